// Owns the extension's one relay connection: connects, subscribes to the fleet, reconnects, and disposes it all.
import { silentLogger, type Logger } from '../common/log';
import { listDevices } from '../link/deviceList';
import type { DeviceInfo } from '../protocol/control';
import type { Identity } from '../protocol/identity';
import { describeConnectError, type ConnectProblem } from './connectErrors';
import type { DeploymentsModel } from './deploymentsModel';
import type { FleetModel } from './fleetModel';

/** Something that can be disposed (vscode.Disposable matches). */
export interface Disposable {
  dispose(): void;
}

/** What the extension needs of an operator connection (src/link's OperatorClient, adapted). */
export interface RelayLink {
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Control events from the relay (`device.updated`, `device.removed`, `deployment.updated`, …). */
  onEvent(listener: (event: string, data: unknown) => void): Disposable;
  /** Called once if the connection ends by itself (not after close()). */
  onClose(listener: (error: Error) => void): Disposable;
  close(): void | Promise<void>;
}

/** Opens a RelayLink; rejects with the link's typed error (RelayError) or a Node network error. */
export type RelayConnector = (options: { relay: string; identity: Identity }) => Promise<RelayLink>;

/** Where the connection is; drives the status bar, the views' welcome content and the commands. */
export type ConnectionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting'; relay: string }
  | { kind: 'connected'; relay: string; operator: string; role: string; deployments: boolean }
  | { kind: 'reconnecting'; relay: string; reason: string; retryInMs: number }
  | { kind: 'failed'; relay: string; message: string; problem: ConnectProblem };

/** Timers and jitter, injectable so tests control time. */
export interface ConnectionClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Delay before reconnect attempt n (0-based). */
  backoff(attempt: number): number;
}

const realClock: ConnectionClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  // 1 s doubling to 60 s, uniform in [cap/2, cap] so windows reopened together do not retry in step.
  backoff: (n) => {
    const cap = Math.min(60_000, 1000 * 2 ** Math.min(n, 6));
    return Math.round(cap / 2 + (Math.random() * cap) / 2);
  },
};

/** Thrown by connect() when the first attempt fails; `problem` says what to tell the user. */
export class ConnectFailed extends Error {
  constructor(
    readonly problem: ConnectProblem,
    /** The identity's public key (base64url), so the UI can offer to copy it for an admin. */
    readonly publicKey?: string,
  ) {
    super(problem.message);
    this.name = 'ConnectFailed';
  }
}

/** Thrown by request() when there is no connection. */
export class NotConnected extends Error {
  constructor() {
    super('Not connected to an Outpost relay. Run "Outpost: Connect to Relay…" first.');
    this.name = 'NotConnected';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const codeOf = (err: unknown): unknown => (isRecord(err) ? err.code : undefined);

/**
 * The relay connection manager. One link at a time; everything tied to a link (event subscriptions, the
 * reconnect timer) is disposed with it. Models are updated from events, never by polling.
 */
export class RelayConnection implements Disposable {
  private link: RelayLink | undefined;
  private perLink: Disposable[] = [];
  private timer: unknown;
  /** While the initial fleet and deployments load: the events received meanwhile, applied after them. */
  private early: Array<[string, unknown]> | undefined;
  private generation = 0;
  private current: ConnectionState = { kind: 'disconnected' };
  private connectedAs: Identity | undefined;
  private readonly listeners = new Set<(s: ConnectionState) => void>();

  constructor(
    private readonly connector: RelayConnector,
    private readonly fleet: FleetModel,
    private readonly deployments: DeploymentsModel,
    private readonly clock: ConnectionClock = realClock,
    private readonly log: Logger = silentLogger,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  onDidChangeState(listener: (s: ConnectionState) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Connects (dropping any current connection), learns who we are and subscribes to the fleet. Rejects with
   * ConnectFailed; later drops reconnect by themselves unless the relay refused the identity.
   */
  async connect(relay: string, identity: Identity): Promise<void> {
    const gen = this.drop();
    this.connectedAs = identity;
    this.fleet.reset([]);
    this.deployments.clear();
    this.setState({ kind: 'connecting', relay });
    try {
      await this.attempt(gen, relay, identity, 0);
    } catch (err) {
      if (gen !== this.generation) return; // superseded by another connect() or disconnect()
      const problem = describeConnectError(err, relay, identity.publicKeyText);
      this.drop();
      this.setState({ kind: 'failed', relay, message: problem.message, problem });
      throw new ConnectFailed(problem, identity.publicKeyText);
    }
  }

  /** Closes the connection and forgets the fleet. */
  disconnect(): void {
    this.drop();
    this.connectedAs = undefined;
    this.fleet.reset([]);
    this.deployments.clear();
    this.setState({ kind: 'disconnected' });
  }

  /** A control request on the current connection; throws NotConnected without one. */
  request(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (!this.link || this.current.kind !== 'connected') return Promise.reject(new NotConnected());
    return this.link.request(method, params);
  }

  /** Reloads the fleet (and deployments, when the relay has them) without reconnecting. */
  async refresh(): Promise<void> {
    if (!this.link || this.current.kind !== 'connected') throw new NotConnected();
    // A fleet too big for one control frame comes page by page.
    const devices = await listDevices(this.link);
    this.fleet.reset(Array.isArray(devices) ? devices : []);
    if (this.link && this.current.kind === 'connected' && this.current.deployments)
      await this.loadDeployments(this.link);
  }

  /** The identity of the current connection while connected (it also signs builds), else undefined. */
  get identity(): Identity | undefined {
    return this.current.kind === 'connected' ? this.connectedAs : undefined;
  }

  /** The current link while connected (for device channels), else undefined. */
  get activeLink(): RelayLink | undefined {
    return this.current.kind === 'connected' ? this.link : undefined;
  }

  dispose(): void {
    this.drop();
    this.listeners.clear();
  }

  private async attempt(gen: number, relay: string, identity: Identity, failures: number): Promise<void> {
    const link = await this.connector({ relay, identity });
    if (gen !== this.generation) {
      await link.close();
      return;
    }
    this.link = link;
    let connected = false;
    this.perLink.push(
      link.onEvent((event, data) => this.onEvent(event, data)),
      link.onClose((err) => {
        // A connection that worked starts the backoff over; one that broke while setting up counts as a failure.
        if (gen === this.generation) this.lost(relay, identity, err, connected ? 0 : failures + 1);
      }),
    );
    const who = (await link.request('whoami', {})) as { name?: string; role?: string | null };
    // Events that arrive while the initial lists load are newer than those lists (a fleet too big for the
    // subscribe reply even comes as events, some in the same network read as the reply): applied after them.
    const early: Array<[string, unknown]> = [];
    this.early = early;
    const sub = (await link.request('fleet.subscribe', {})) as { devices?: DeviceInfo[] };
    const deployments = await this.loadDeployments(link);
    if (gen !== this.generation) return;
    this.early = undefined;
    connected = true;
    this.fleet.reset(Array.isArray(sub?.devices) ? sub.devices : []);
    for (const [event, data] of early) this.onEvent(event, data);
    this.setState({
      kind: 'connected',
      relay,
      operator: who?.name ?? 'unknown',
      role: who?.role ?? 'none',
      deployments,
    });
  }

  // Relays without an OTA service answer UNKNOWN_METHOD; the Deployments view then says so instead of failing.
  private async loadDeployments(link: RelayLink): Promise<boolean> {
    try {
      const list = await link.request('deployments.list', {});
      this.deployments.reset(Array.isArray(list) ? list : []);
      return true;
    } catch (err) {
      if (codeOf(err) === 'UNKNOWN_METHOD' || codeOf(err) === 'FORBIDDEN') return false;
      throw err;
    }
  }

  private onEvent(event: string, data: unknown): void {
    if (this.early) {
      this.early.push([event, data]);
      return;
    }
    const d = isRecord(data) ? data : {};
    if (event === 'device.updated' && isRecord(d.device) && typeof d.device.name === 'string') {
      this.fleet.upsert(d.device as unknown as DeviceInfo);
    } else if (event === 'device.removed' && typeof d.name === 'string') {
      this.fleet.remove(d.name);
    } else if (event === 'deployment.updated') {
      this.deployments.upsert(d.deployment ?? d);
    } else if (event === 'deployment.removed' && typeof d.id === 'string') {
      this.deployments.remove(d.id);
    }
  }

  // The link ended by itself: retry with backoff unless the relay refused us (retrying would not help).
  private lost(relay: string, identity: Identity, err: Error, failures: number): void {
    const gen = this.drop();
    const problem = describeConnectError(err, relay, identity.publicKeyText);
    if (!problem.retryable) {
      this.setState({ kind: 'failed', relay, message: problem.message, problem });
      return;
    }
    const delay = this.clock.backoff(failures);
    this.setState({ kind: 'reconnecting', relay, reason: err.message, retryInMs: delay });
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.attempt(gen, relay, identity, failures).catch((e: unknown) => {
        if (gen === this.generation) this.lost(relay, identity, e as Error, failures + 1);
      });
    }, delay);
  }

  // Closes the current link and disposes everything tied to it; returns the new generation.
  private drop(): number {
    for (const d of this.perLink.splice(0)) d.dispose();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.early = undefined;
    const link = this.link;
    this.link = undefined;
    if (link) {
      Promise.resolve()
        .then(() => link.close())
        .catch((err: unknown) => this.log.warn('closing the relay link failed', { error: String(err) }));
    }
    return ++this.generation;
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    for (const l of [...this.listeners]) l(s);
  }
}
