// The device agent: keeps one authenticated connection to the relay, reports telemetry, serves channels per kind.
import { EventEmitter } from 'node:events';
import type { Logger } from '../common/log';
import { Backoff } from '../link/backoff';
import { connect } from '../link/connect';
import type { Connection, Disposable, IncomingChannel } from '../link/connection';
import { RelayError, type RelayErrorCode } from '../link/errors';
import type { Enrollment } from '../protocol/auth';
import type { ChannelKind } from '../protocol/channels';
import { CloseCode } from '../protocol/closeCodes';
import type { Identity } from '../protocol/identity';
import { DEFAULT_KEEPALIVE_SEC, isKeepaliveSec, KEEPALIVE_RULE } from '../protocol/keepalive';
import type { AgentContext, ChannelHandler } from './channelHandler';
import { operatorRefusal } from './operatorAllowList';
import { DebugSessionMark, releaseLeftoverSession } from './debugSessionMark';
import { createRspHandler } from './rspHandler';
import type { Target } from './target';
import { TelemetryTracker, type TelemetryPolicy } from './telemetry';

export { DEFAULT_KEEPALIVE_SEC } from '../protocol/keepalive';

/** Options of an Agent. */
export interface AgentOptions {
  relay: string;
  identity: Identity;
  target: Target;
  /** Registers this key as a new device with a token, if the relay does not know it yet. */
  enroll?: Enrollment;
  /**
   * Seconds of silence on the link after which the agent sends a PING (docs/protocol.md §7); declared to the relay,
   * which cuts the device off after two of them. Whole seconds from 5 to 3600, default 600.
   */
  keepaliveSec?: number;
  log: Logger;
  /** How often the agent looks for telemetry changes, ms (local reads only). Default 5 s. */
  telemetryPollMs?: number;
  telemetryPolicy?: TelemetryPolicy;
  /**
   * Operator public keys allowed to open rsp and console (`--operator-key`); others are refused with
   * CHANNEL_REFUSED. Absent: any operator the relay lets through (the relay's registry is trusted).
   */
  operatorKeys?: readonly string[];
  /**
   * The agent's state folder: an rsp session is recorded there while it holds the stub, so an agent killed
   * mid-session detaches on its next start (debugSessionMark.ts).
   */
  stateDir?: string;
}

/** Errors that retrying cannot fix until someone changes the configuration. */
const configErrors: readonly RelayErrorCode[] = [
  'UNKNOWN_KEY',
  'ENROLL_TOKEN_INVALID',
  'NAME_TAKEN',
  'BAD_SIGNATURE',
  'UNSUPPORTED_VERSION',
  'FORBIDDEN',
  'REVOKED',
];

/**
 * The agent. Events: 'connected' (name: string), 'disconnected' (RelayError), 'stopped' (RelayError | undefined)
 * — stopped with an error when another process took over this identity (REPLACED).
 */
export class Agent extends EventEmitter {
  private readonly handlers = new Map<ChannelKind, ChannelHandler>();
  private readonly backoff = new Backoff();
  private readonly log: Logger;
  private readonly keepaliveSec: number;
  private conn?: Connection;
  private running = false;
  private startedAt = 0;
  private wake?: () => void;
  private loop?: Promise<void>;
  private deviceName?: string;
  private readonly operatorKeys?: ReadonlySet<string>;
  private readonly debugMark?: DebugSessionMark;

  /** Throws RangeError for a keepalive outside 5–3600 whole seconds (callers validate user input first). */
  constructor(private readonly options: AgentOptions) {
    super();
    const keepaliveSec = options.keepaliveSec ?? DEFAULT_KEEPALIVE_SEC;
    if (!isKeepaliveSec(keepaliveSec)) throw new RangeError(`keepalive ${keepaliveSec}: use ${KEEPALIVE_RULE}`);
    this.keepaliveSec = keepaliveSec;
    this.log = options.log;
    this.operatorKeys = options.operatorKeys && new Set(options.operatorKeys);
    this.debugMark = options.stateDir === undefined ? undefined : new DebugSessionMark(options.stateDir);
    this.handle('rsp', createRspHandler());
  }

  /** Serves channels of `kind` with `handler` (replacing any earlier one). */
  handle(kind: ChannelKind, handler: ChannelHandler): Disposable {
    this.handlers.set(kind, handler);
    return { dispose: () => this.handlers.get(kind) === handler && this.handlers.delete(kind) };
  }

  /** The device name the relay knows this agent by, once connected. */
  get name(): string | undefined {
    return this.deviceName;
  }

  /** True while connected to the relay. */
  get connected(): boolean {
    return this.conn?.open ?? false;
  }

  /** Round trip to the relay in ms, from the last PING. */
  get rttMs(): number | undefined {
    return this.conn?.rttMs;
  }

  /**
   * Starts the target, then connects. Rejects (and starts nothing more) when the first attempt fails for a
   * reason only a configuration change fixes (UNKNOWN_KEY without a token, ENROLL_TOKEN_INVALID, …); a relay that
   * cannot be reached is retried in the background with backoff.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.startedAt = Date.now();
    await this.options.target.start();
    if (this.debugMark) await releaseLeftoverSession(this.options.target, this.debugMark, this.log.child('rsp'));
    try {
      await this.attempt();
    } catch (e) {
      const err = e instanceof RelayError ? e : new RelayError('CONNECTION_FAILED', String(e));
      if (configErrors.includes(err.code)) {
        this.running = false;
        await this.options.target.stop();
        throw err;
      }
      this.log.warn('relay not reachable yet; retrying', { code: err.code, error: err.message });
    }
    this.loop = this.run();
  }

  /** Resolves when connected (at once if already). */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.once('connected', () => resolve()));
  }

  /** Disconnects (channels end, the rsp handler detaches) and stops the target. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    this.conn?.close(CloseCode.NORMAL, 'agent stopping');
    await this.loop;
    await this.options.target.stop();
    this.emit('stopped', undefined);
  }

  private async attempt(): Promise<void> {
    const { relay, identity, enroll, log } = this.options;
    const keepaliveSec = this.keepaliveSec;
    let conn: Connection;
    try {
      conn = await connect(relay, identity, { log, keepaliveSec, keepalivePolicy: 'when-silent' });
    } catch (e) {
      // Enroll only when the relay does not know the key yet: a restarted agent keeps its registration.
      if (!(e instanceof RelayError) || e.code !== 'UNKNOWN_KEY' || !enroll) throw e;
      log.info('key not registered yet; enrolling with the token', { name: enroll.name });
      conn = await connect(relay, identity, { log, keepaliveSec, keepalivePolicy: 'when-silent', enroll });
    }
    if (!this.running) {
      conn.close(CloseCode.NORMAL, 'agent stopping');
      return;
    }
    this.conn = conn;
    conn.acceptChannels((request) => this.serve(request));
    const me = await conn.request<{ name: string }>('whoami').catch(() => ({ name: undefined }));
    this.deviceName = me.name ?? this.deviceName;
    this.reportTelemetry(conn);
    // One RTT sample per connection; idle devices send no PINGs of their own afterwards.
    conn.ping().catch(() => undefined);
    this.log.info('agent connected', { device: this.deviceName, relay });
    this.emit('connected', this.deviceName);
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.conn?.open) {
        const conn = this.conn;
        const since = Date.now();
        const why = await conn.closed;
        if (!this.running) return;
        this.emit('disconnected', why);
        if (why.code === 'REPLACED') {
          this.log.error('another agent connected with this key; stopping this one', { reason: why.message });
          this.running = false;
          await this.options.target.stop();
          this.emit('stopped', why);
          return;
        }
        this.log.warn('disconnected from relay; reconnecting', { code: why.code, reason: why.message });
        this.noteIdleDrop(why, conn.quietMs);
        if (Date.now() - since > 60_000) this.backoff.reset();
      }
      await this.sleep(this.backoff.next());
      if (!this.running) return;
      try {
        await this.attempt();
      } catch (e) {
        const err = e instanceof RelayError ? e : new RelayError('CONNECTION_FAILED', String(e));
        const level = configErrors.includes(err.code) ? 'error' : 'warn';
        this.log[level]('reconnect failed', { code: err.code, error: err.message });
      }
    }
  }

  /**
   * A link that died right after a keepalive interval of silence points at a carrier NAT that forgets idle TCP
   * sooner than the keepalive: said once per drop, so a user can see the pattern and lower --keepalive.
   */
  private noteIdleDrop(why: RelayError, quietMs: number): void {
    if (why.code === 'RELAY_SHUTDOWN' || why.code === 'REVOKED' || quietMs < this.keepaliveSec * 1000) return;
    this.log.warn('link dropped after an idle period; if this repeats, the network forgets idle connections sooner', {
      idleSec: Math.round(quietMs / 1000),
      keepaliveSec: this.keepaliveSec,
      hint: 'lower --keepalive below idleSec',
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  // Everything on connect, then what changed: looked for every telemetryPollMs, and at once when the target says
  // the firmware booted anew (an installed image, a restart, a reset), so the fleet need not wait for the next look.
  private reportTelemetry(conn: Connection): void {
    const { target } = this.options;
    const tracker = new TelemetryTracker(this.options.telemetryPolicy);
    // The firmware's uptime where the target knows it (undefined while it is not running), else this agent's.
    const uptimeSec = (): number | undefined =>
      target.uptimeSec ? target.uptimeSec() : (Date.now() - this.startedAt) / 1000;
    const observe = (uptime: number) => ({ firmware: target.firmware(), rssi: target.rssi?.(), uptimeSec: uptime });
    conn.sendEvent('telemetry', tracker.full(observe(uptimeSec() ?? 0), Date.now()));
    const look = (): void => {
      const uptime = uptimeSec();
      if (!conn.open || uptime === undefined) return;
      const update = tracker.changes(observe(uptime), Date.now());
      if (update) conn.sendEvent('telemetry', update);
    };
    const timer = setInterval(look, this.options.telemetryPollMs ?? 5000);
    timer.unref();
    const unsubscribe = target.onBoot?.(look);
    void conn.closed.then(() => {
      clearInterval(timer);
      unsubscribe?.();
    });
  }

  private serve(request: IncomingChannel): void {
    const notAllowed = operatorRefusal(this.operatorKeys, request);
    if (notAllowed) {
      this.log.warn('refusing channel from an operator not on --operator-key', {
        kind: request.kind,
        operator: request.operator,
        key: request.operatorKey,
      });
      request.refuse(CloseCode.CHANNEL_REFUSED, notAllowed);
      return;
    }
    const handler = this.handlers.get(request.kind);
    if (!handler) {
      request.refuse(CloseCode.CHANNEL_REFUSED, `this device serves no ${request.kind} channel`);
      return;
    }
    let settled = false;
    const tracked: IncomingChannel = {
      kind: request.kind,
      operator: request.operator,
      operatorKey: request.operatorKey,
      encrypted: request.encrypted,
      accept: () => ((settled = true), request.accept()),
      refuse: (code, reason) => ((settled = true), request.refuse(code, reason)),
    };
    const context: AgentContext = {
      target: this.options.target,
      log: this.log.child(request.kind),
      debugMark: this.debugMark,
    };
    this.log.info('channel requested', { kind: request.kind, operator: request.operator });
    Promise.resolve()
      .then(() => handler(tracked, context))
      .catch((e: unknown) => {
        this.log.warn('channel handler failed', { kind: request.kind, error: (e as Error).message });
        if (!settled) request.refuse(CloseCode.CHANNEL_REFUSED, (e as Error).message);
      });
  }
}
