// An RSP session rewriter between GDB and a stub (pure): answers `monitor reset halt|reset|halt|init` for stubs lacking them.
import { DebugError } from '../errors';
import { coreReset, type RspRequest } from './coreReset';
import { monitorAction, monitorText, type MonitorAction } from './monitor';
import { encodePacket, RspParser, toHex, type RspEvent } from './packet';

/** When the interceptor answers the monitor commands it knows. */
export type MonitorPolicy =
  /** The stub has none of them (QEMU): answer them here; every other monitor command goes to the stub. */
  | 'answer'
  /** Forward them; answer here only when the stub replies that it does not know qRcmd (an empty reply). */
  | 'fallback';

/** Where the rewritten streams go. */
export interface SessionOutputs {
  toStub(data: Buffer): void;
  toClient(data: Buffer): void;
}

type Mode = 'pass' | 'forwarded' | 'own';

/**
 * Feed it what GDB sends (fromClient) and what the stub sends (fromStub); it writes both streams on, unchanged
 * except for the monitor commands it answers. While it answers one (a reset takes a few packets of its own to
 * the stub), GDB's further bytes wait. Acknowledgements stay consistent in both ack and no-ack mode.
 */
export class MonitorInterceptor {
  private readonly fromClientParser = new RspParser();
  private readonly fromStubParser = new RspParser();
  private mode: Mode = 'pass';
  private noAck = false;
  private noAckAsked = false;
  private forwardedAction?: MonitorAction;
  /** Acks GDB owes for replies we made up; they must not reach the stub. */
  private clientAcksOwed = 0;
  private lastOwnReply?: Buffer;
  private readonly waiting: RspEvent[] = [];
  private pending?: { packet: Buffer; resolve: (reply: string) => void };

  constructor(
    private readonly policy: MonitorPolicy,
    private readonly out: SessionOutputs,
  ) {}

  /** Bytes from GDB. */
  fromClient(chunk: Buffer): void {
    for (const event of this.fromClientParser.push(chunk)) this.clientEvent(event);
  }

  /** Bytes from the stub. */
  fromStub(chunk: Buffer): void {
    for (const event of this.fromStubParser.push(chunk)) this.stubEvent(event);
  }

  private clientEvent(event: RspEvent): void {
    if (this.mode === 'own') {
      this.waiting.push(event);
      return;
    }
    if (this.clientAcksOwed > 0 && (event.type === 'ack' || event.type === 'nack')) {
      if (event.type === 'ack') this.clientAcksOwed--;
      else if (this.lastOwnReply) this.out.toClient(this.lastOwnReply);
      return;
    }
    if (event.type === 'packet' && event.valid) {
      if (event.payload === 'QStartNoAckMode') this.noAckAsked = true;
      const text = monitorText(event.payload);
      const action = text === undefined ? undefined : monitorAction(text);
      if (action && this.policy === 'answer') {
        if (!this.noAck) this.out.toClient(Buffer.from('+'));
        this.answer(action);
        return;
      }
      if (action) {
        this.mode = 'forwarded';
        this.forwardedAction = action;
      }
    }
    this.out.toStub(event.raw);
  }

  private stubEvent(event: RspEvent): void {
    if (this.mode === 'own') return this.ownReply(event);
    if (event.type === 'packet' && this.noAckAsked) {
      this.noAckAsked = false;
      if (event.payload === 'OK') this.noAck = true;
    }
    if (this.mode === 'forwarded' && event.type === 'packet' && !isConsoleOutput(event.payload)) {
      const action = this.forwardedAction!;
      this.mode = 'pass';
      this.forwardedAction = undefined;
      if (event.payload === '') {
        // The stub does not do monitor commands at all: acknowledge its reply ourselves and answer instead.
        if (!this.noAck) this.out.toStub(Buffer.from('+'));
        this.answer(action);
        return;
      }
    }
    this.out.toClient(event.raw);
  }

  // Our own conversation with the stub: swallow its acks, ack its replies, hand replies to the waiting request.
  private ownReply(event: RspEvent): void {
    if (event.type === 'nack' && this.pending) this.out.toStub(this.pending.packet);
    if (event.type !== 'packet') return;
    if (!this.noAck) this.out.toStub(Buffer.from('+'));
    if (isConsoleOutput(event.payload)) return;
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(event.payload);
  }

  private readonly request: RspRequest = (payload) =>
    new Promise((resolve) => {
      const packet = encodePacket(payload);
      this.pending = { packet, resolve };
      this.out.toStub(packet);
    });

  private answer(action: MonitorAction): void {
    this.mode = 'own';
    // GDB only sends packets while the target is halted (all-stop), so `halt` has nothing to do; nor has `init`
    // (the stub is up: GDB is talking to it).
    const work = action === 'halt' || action === 'init' ? Promise.resolve() : coreReset(this.request);
    work.then(
      () => this.finish(['OK']),
      (err: unknown) => {
        const why = err instanceof DebugError ? err.message : String(err);
        this.finish(['O' + toHex(`outpost: monitor ${action.replace('-', ' ')} failed: ${why}\n`), 'E01']);
      },
    );
  }

  private finish(replies: string[]): void {
    for (const reply of replies) {
      const packet = encodePacket(reply);
      this.out.toClient(packet);
      this.lastOwnReply = packet;
      if (!this.noAck) this.clientAcksOwed++;
    }
    this.mode = 'pass';
    for (const event of this.waiting.splice(0)) this.clientEvent(event);
  }
}

// `O` + hex is console output a stub sends before its final reply; `OK` is a reply.
function isConsoleOutput(payload: string): boolean {
  return payload.startsWith('O') && payload !== 'OK' && /^O([0-9a-fA-F]{2})+$/.test(payload);
}
