// A peer's authenticated connection to the relay: frame demux, control requests and events, channels both ways, PING/PONG.
import type WebSocket from 'ws';
import type { Logger } from '../common/log';
import { fromBase64url } from '../protocol/base64url';
import { parseDeviceOpen, parseOpenOk, type ChannelKind } from '../protocol/channels';
import { CloseCode } from '../protocol/closeCodes';
import { parseControlMessage, type ControlEvent, type ControlMessage } from '../protocol/control';
import { acceptOffer, E2E_REQUIRED, type E2eOffer, type E2eSession } from '../protocol/e2e';
import {
  closeFrame,
  controlFrame,
  decodeFrame,
  encodeFrame,
  FrameType,
  truncateUtf8,
  type Frame,
} from '../protocol/frame';
import type { Identity } from '../protocol/identity';
import type { Result } from '../protocol/result';
import { Channel, type ChannelHost } from './channel';
import { RelayError } from './errors';
import { Priority, SendScheduler } from './scheduler';

/** A subscription that can be cancelled. */
export interface Disposable {
  dispose(): void;
}

/** An OPEN arriving at a device: accept it (answers OPEN_OK, E2E included) or refuse it with a close code. */
export interface IncomingChannel {
  readonly kind: ChannelKind;
  /** The operator's name and identity key, as the relay vouches for them (the E2E signature proves the key). */
  readonly operator: string;
  readonly operatorKey: string;
  readonly encrypted: boolean;
  accept(): Channel;
  refuse(code: CloseCode, reason: string): void;
}

/** How a connection behaves once open. */
export interface ConnectionOptions {
  identity: Identity;
  log: Logger;
  /** Seconds between application PINGs; a PING left unanswered ends the connection. 0 = never. */
  keepaliveSec: number;
  /**
   * 'always': PING every interval (keeps `rttMs` fresh; operators); unanswered by the next one ends the connection.
   * 'when-silent': PING only once the link has carried nothing either way (no frame sent or received, no WebSocket
   * ping) for a whole interval, so any traffic stands in for it and an idle device spends one small exchange per
   * interval (devices on metered links); unanswered within `min(interval, 30 s)` ends the connection.
   */
  keepalivePolicy?: 'always' | 'when-silent';
  /** Milliseconds to wait for a control response or an OPEN_OK. */
  requestTimeoutMs?: number;
}

/** The E2E half of an operator's OPEN: the offer to send and the check of the device's answer. */
export interface E2eOpen {
  offer: E2eOffer;
  complete(answer: unknown): Result<E2eSession>;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(err: RelayError): void;
  timer: NodeJS.Timeout;
}

interface PendingOpen {
  settle(frame: Frame): void;
  reject(err: RelayError): void;
  timer: NodeJS.Timeout;
}

const nowUs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

/** Longest wait for the PONG of a 'when-silent' keepalive PING: TCP retransmits a lost segment well within it. */
const PONG_WAIT_MS = 30_000;

/** An open, authenticated connection. Made by `connect()`; the operator client and the agent build on it. */
export class Connection {
  private readonly scheduler: SendScheduler;
  private readonly channels = new Map<number, Channel>();
  private readonly opening = new Map<number, PendingOpen>();
  private readonly incoming = new Map<number, { cancelled: boolean }>();
  private readonly requests = new Map<number, Pending<unknown>>();
  private readonly pings = new Map<bigint, (rttMs: number) => void>();
  private readonly eventListeners = new Set<(event: ControlEvent) => void>();
  private readonly closeListeners = new Set<(reason: RelayError) => void>();
  private channelHandler?: (request: IncomingChannel) => void;
  private nextRequestId = 1;
  private nextChannelId = 1;
  private lastRttMs?: number;
  private keepalivePing?: bigint;
  private lastHeardMs = Date.now();
  private lastSentMs = Date.now();
  private keepaliveTimer?: NodeJS.Timeout;
  private closedWith?: RelayError;
  private finished = false;
  private finishedAt?: number;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly host: ChannelHost = {
    sendFrame: (frame, priority) => this.scheduler.enqueue(frame, priority),
    release: (id) => this.channels.delete(id),
  };
  /** Resolves once, with why the connection ended (code NORMAL when closed locally). */
  readonly closed: Promise<RelayError>;
  private resolveClosed!: (reason: RelayError) => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: ConnectionOptions,
  ) {
    this.log = options.log;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    const sink = {
      send: (data: Buffer, cb: (err?: Error) => void): void => {
        this.lastSentMs = Date.now();
        ws.send(data, cb);
      },
      get bufferedAmount(): number {
        return ws.bufferedAmount;
      },
    };
    this.scheduler = new SendScheduler(sink, (err) => this.log.warn('send failed', { error: err.message }));
    ws.on('message', (data, isBinary) => {
      this.lastHeardMs = Date.now();
      this.onMessage(data as Buffer, isBinary);
    });
    ws.on('ping', () => (this.lastHeardMs = Date.now()));
    ws.on('pong', () => (this.lastHeardMs = Date.now()));
    ws.on('close', (code, reason) => this.finish(code, reason.toString('utf8')));
    ws.on('error', (err) => this.log.warn('relay connection error', { error: err.message }));
    if (options.keepaliveSec > 0) this.armKeepalive(options.keepaliveSec * 1000);
  }

  /** Round-trip time of the last PING/PONG in milliseconds, undefined before the first. */
  get rttMs(): number | undefined {
    return this.lastRttMs;
  }

  /** Milliseconds since anything (frame, WebSocket ping or pong) last arrived from the relay; frozen once closed. */
  get quietMs(): number {
    return (this.finishedAt ?? Date.now()) - this.lastHeardMs;
  }

  /** True until the connection ends. */
  get open(): boolean {
    return !this.finished;
  }

  /** Calls a control method; rejects with a RelayError (the relay's error code, TIMEOUT or the close reason). */
  request<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.finished) return Promise.reject(this.closedWith as RelayError);
    const id = this.nextRequestId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(id);
        reject(new RelayError('TIMEOUT', `no answer from the relay to ${method} within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.requests.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.scheduler.enqueue(controlFrame({ id, method, params }), Priority.Interactive);
    });
  }

  /** Sends a control event (a device's `telemetry`). */
  sendEvent(event: string, data: unknown): void {
    if (!this.finished) this.scheduler.enqueue(controlFrame({ event, data }), Priority.Interactive);
  }

  /** Listens for control events from the relay. */
  onEvent(listener: (event: ControlEvent) => void): Disposable {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  /** Listens for the end of the connection. */
  onClose(listener: (reason: RelayError) => void): Disposable {
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  /** Device side: the handler for OPENs. Without one, every OPEN is refused with CHANNEL_REFUSED. */
  acceptChannels(handler: (request: IncomingChannel) => void): Disposable {
    this.channelHandler = handler;
    return { dispose: () => (this.channelHandler = undefined) };
  }

  /** Operator side: opens a channel to `device`; with `e2e`, the device's OPEN_OK must complete the handshake. */
  openChannel(kind: ChannelKind, device: string, e2e?: E2eOpen): Promise<Channel> {
    if (this.finished) return Promise.reject(this.closedWith as RelayError);
    const id = this.nextChannelId;
    this.nextChannelId += 2; // operators use odd ids
    const json = { kind, device, ...(e2e && { e2e: e2e.offer }) };
    const opened = new Promise<Channel>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.opening.delete(id);
        this.scheduler.enqueue(closeFrame(id, CloseCode.NORMAL, 'open timed out'), Priority.Interactive);
        reject(
          new RelayError('TIMEOUT', `${device} did not answer the ${kind} channel within ${this.timeoutMs / 1000} s`),
        );
      }, this.timeoutMs);
      // Runs synchronously on OPEN_OK, so the channel exists before the next frame (its first DATA) is handled.
      const settle = (frame: Frame): void => {
        if (frame.type === FrameType.CLOSE) return reject(RelayError.fromClose(frame.code, frame.reason));
        const ok = parseOpenOk(frame.type === FrameType.OPEN_OK ? frame.json : undefined);
        const session = e2e ? e2e.complete(ok.ok ? ok.value.e2e : undefined) : undefined;
        if (session && !session.ok) {
          this.scheduler.enqueue(closeFrame(id, session.code, session.reason), Priority.Interactive);
          return reject(RelayError.fromClose(session.code, session.reason));
        }
        resolve(this.addChannel(id, kind, device, session?.value));
      };
      this.opening.set(id, { settle, reject, timer });
    });
    this.scheduler.enqueue(encodeFrame({ type: FrameType.OPEN, channel: id, json }), Priority.Interactive);
    return opened;
  }

  /** Measures the round trip to the relay with an application PING. */
  ping(): Promise<number> {
    if (this.finished) return Promise.reject(this.closedWith as RelayError);
    const ts = nowUs();
    return new Promise((resolve) => {
      this.pings.set(ts, resolve);
      const frame = encodeFrame({ type: FrameType.PING, channel: 0, timestampUs: ts, opaque: Buffer.alloc(0) });
      this.scheduler.enqueue(frame, Priority.Interactive);
    });
  }

  /** Closes the connection normally; channels end, pending requests reject with NORMAL. */
  close(code: CloseCode = CloseCode.NORMAL, reason = ''): void {
    if (this.finished || this.closedWith) return;
    this.closedWith = RelayError.fromClose(code, reason);
    this.ws.close(code, truncateUtf8(reason, 120));
  }

  /** Drops the connection without a closing handshake (a dead link); `reason` is what local listeners see. */
  terminate(reason: RelayError): void {
    if (this.finished) return;
    this.closedWith ??= reason;
    this.ws.terminate();
  }

  private addChannel(id: number, kind: ChannelKind, peer: string, e2e?: E2eSession): Channel {
    const channel = new Channel({ id, kind, peer, e2e }, this.host);
    this.channels.set(id, channel);
    return channel;
  }

  private armKeepalive(delayMs: number): void {
    this.keepaliveTimer = setTimeout(() => this.keepalive(), delayMs);
    this.keepaliveTimer.unref();
  }

  private keepalive(): void {
    if (this.finished) return;
    if (this.keepalivePing !== undefined && this.pings.has(this.keepalivePing)) {
      this.log.warn('relay did not answer the keepalive PING; dropping the connection');
      this.terminate(RelayError.fromClose(CloseCode.HEARTBEAT_TIMEOUT, 'no PONG from the relay'));
      return;
    }
    const intervalMs = this.options.keepaliveSec * 1000;
    if (this.options.keepalivePolicy === 'when-silent') {
      // Checked lazily: traffic only moves a timestamp, and the timer re-arms for whatever silence is still due.
      const quietMs = Date.now() - Math.max(this.lastHeardMs, this.lastSentMs);
      if (quietMs < intervalMs) return this.armKeepalive(intervalMs - quietMs);
    }
    const ts = nowUs();
    this.keepalivePing = ts;
    this.pings.set(ts, () => undefined);
    this.scheduler.enqueue(
      encodeFrame({ type: FrameType.PING, channel: 0, timestampUs: ts, opaque: Buffer.alloc(0) }),
      Priority.Interactive,
    );
    this.armKeepalive(this.options.keepalivePolicy === 'when-silent' ? Math.min(intervalMs, PONG_WAIT_MS) : intervalMs);
  }

  private protocolError(code: CloseCode, reason: string): void {
    this.log.warn('closing relay connection: protocol error', { code, reason });
    this.close(code, reason);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.finished) return;
    if (!isBinary) return this.protocolError(CloseCode.PROTOCOL_ERROR, 'text message (binary frames only)');
    const decoded = decodeFrame(data);
    if (!decoded.ok) return this.protocolError(decoded.code, decoded.reason);
    const f = decoded.frame;
    switch (f.type) {
      case FrameType.CONTROL: {
        const msg = parseControlMessage(f.json);
        if (!msg.ok) return this.protocolError(msg.code, msg.reason);
        return this.onControl(msg.value);
      }
      case FrameType.OPEN:
        return this.onOpen(f.channel, f.json);
      case FrameType.OPEN_OK:
      case FrameType.CLOSE: {
        const pending = this.opening.get(f.channel);
        if (pending) {
          this.opening.delete(f.channel);
          clearTimeout(pending.timer);
          return pending.settle(f);
        }
        if (f.type === FrameType.CLOSE) {
          const inc = this.incoming.get(f.channel);
          if (inc) inc.cancelled = true;
          this.channels.get(f.channel)?.handleClose(f.code, f.reason);
        }
        return;
      }
      case FrameType.DATA:
        return this.channels.get(f.channel)?.handleData(f.data);
      case FrameType.CREDIT:
        return this.channels.get(f.channel)?.handleCredit(f.bytes);
      case FrameType.PING:
        return this.scheduler.enqueue(encodeFrame({ ...f, type: FrameType.PONG }), Priority.Interactive);
      case FrameType.PONG: {
        const done = this.pings.get(f.timestampUs);
        if (!done) return;
        this.pings.delete(f.timestampUs);
        this.lastRttMs = Math.max(0, Number(nowUs() - f.timestampUs) / 1000);
        return done(this.lastRttMs);
      }
    }
  }

  private onControl(msg: ControlMessage): void {
    if (msg.kind === 'event') {
      for (const listener of [...this.eventListeners]) listener({ event: msg.event, data: msg.data });
    } else if (msg.kind === 'response') {
      const pending = this.requests.get(msg.id);
      if (!pending) return;
      this.requests.delete(msg.id);
      clearTimeout(pending.timer);
      if ('error' in msg) pending.reject(RelayError.fromResponse(msg.error));
      else pending.resolve(msg.result);
    } else {
      const error = { code: 'UNKNOWN_METHOD', message: `peer does not serve ${msg.method}` };
      this.scheduler.enqueue(controlFrame({ id: msg.id, error }), Priority.Interactive);
    }
  }

  private onOpen(id: number, json: unknown): void {
    const refuse = (code: CloseCode, reason: string): void => {
      this.incoming.delete(id);
      this.scheduler.enqueue(closeFrame(id, code, reason), Priority.Interactive);
    };
    if (this.channels.has(id) || this.incoming.has(id))
      return this.protocolError(CloseCode.PROTOCOL_ERROR, `OPEN for channel ${id}, already in use`);
    const parsed = parseDeviceOpen(json);
    if (!parsed.ok) return refuse(parsed.code, parsed.reason);
    const open = parsed.value;
    const handler = this.channelHandler;
    if (!handler) return refuse(CloseCode.CHANNEL_REFUSED, 'this peer accepts no channels');
    let session: E2eSession | undefined;
    let answer: unknown;
    if (open.e2e || E2E_REQUIRED.includes(open.kind)) {
      const operatorKey = fromBase64url(open.operatorKey, 32) as Uint8Array;
      const accepted = acceptOffer(this.options.identity, open.kind, operatorKey, open.e2e);
      if (!accepted.ok) {
        this.log.warn('refusing channel: end-to-end handshake failed', {
          kind: open.kind,
          operator: open.operator,
          reason: accepted.reason,
        });
        return refuse(accepted.code, accepted.reason);
      }
      session = accepted.value.session;
      answer = accepted.value.answer;
    }
    const state = { cancelled: false };
    this.incoming.set(id, state);
    let settled = false;
    handler({
      kind: open.kind,
      operator: open.operator,
      operatorKey: open.operatorKey,
      encrypted: session !== undefined,
      accept: () => {
        if (settled) throw new Error('channel already accepted or refused');
        settled = true;
        this.incoming.delete(id);
        const channel = new Channel({ id, kind: open.kind, peer: open.operator, e2e: session }, this.host);
        if (state.cancelled || this.finished) {
          channel.abort(this.closedWith ?? RelayError.fromClose(CloseCode.NORMAL, 'operator went away'));
          return channel;
        }
        this.channels.set(id, channel);
        const reply = encodeFrame({ type: FrameType.OPEN_OK, channel: id, json: answer ? { e2e: answer } : {} });
        this.scheduler.enqueue(reply, Priority.Interactive);
        return channel;
      },
      refuse: (code, reason) => {
        if (settled) throw new Error('channel already accepted or refused');
        settled = true;
        if (!state.cancelled) refuse(code, reason);
        this.incoming.delete(id);
      },
    });
  }

  private finish(code: number, reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.finishedAt = Date.now();
    const why = this.closedWith ?? RelayError.fromClose(code, reason);
    this.closedWith = why;
    clearTimeout(this.keepaliveTimer);
    this.scheduler.close();
    for (const p of [...this.requests.values(), ...this.opening.values()]) {
      clearTimeout(p.timer);
      p.reject(why);
    }
    this.requests.clear();
    this.opening.clear();
    for (const inc of this.incoming.values()) inc.cancelled = true;
    for (const channel of [...this.channels.values()]) channel.abort(why);
    this.channels.clear();
    this.log.info('relay connection closed', { code: why.code, reason: why.message });
    for (const listener of [...this.closeListeners]) listener(why);
    this.resolveClosed(why);
  }
}
