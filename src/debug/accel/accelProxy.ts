// The operator side of an accelerated rsp channel: terminates GDB's RSP, answers reads from cache, forwards the rest.
import type { Logger } from '../../common/log';
import type { AccelMessage, RequestContext } from '../../protocol/rspAccel';
import type { StepHint } from '../stub/stubConnector';
import { encodePacket, RspParser, type RspEvent } from '../rsp/packet';
import { AccelCache } from './accelCache';
import { breakpointPacket, classifyPacket, isRangeStep, isResume, normalizeThread, rangeOf } from './packetClass';
import type { StepPieces } from './stepPieces';

/** Where the proxy writes: RSP bytes to GDB, messages to the agent. */
export interface AccelProxyOutputs {
  toGdb(data: Buffer): void;
  toAgent(message: AccelMessage): void;
}

/**
 * Speaks RSP with GDB as a stub would (acks are local; QStartNoAckMode is answered here), one packet at a time in
 * order: cached answers at once, the rest forwarded as `req` messages whose `rep` replies come back in order.
 * GDB's first packet (qSupported) goes to the agent in `hello` (or went in the offer); GDB waits for the bundle.
 */
export class AccelProxy {
  private readonly parser = new RspParser();
  private readonly cache = new AccelCache();
  private readonly queue: string[] = [];
  private readonly ctx: RequestContext = {};
  private noAck = false;
  private lastSent?: Buffer;
  /** What the proxy waits for from the agent: the bundle, a reply (to a resume or not), or nothing. */
  private waiting: 'hello' | 'bundle' | 'reply' | 'resume' | 'none' = 'hello';
  private sentPayload = '';
  /** The stub cannot fail a software breakpoint (the bundle's `bpSure`): Z0/z0 are answered here (earlyFailureReply). */
  private bpSure = false;
  /** Early Z0/z0 whose `rep` is still due: the oldest replies are theirs, not GDB's. */
  private earlyDue = 0;
  /** Packets answered here and packets that went to the device, for the session's closing log line. */
  private local = 0;
  private forwarded = 0;

  /** How many of GDB's packets were answered here and how many went to the device. */
  get counts(): { local: number; forwarded: number } {
    return { local: this.local, forwarded: this.forwarded };
  }

  constructor(
    private readonly out: AccelProxyOutputs,
    private readonly log: Logger,
    /** What the debug session is doing (StepHint): a range step during a `next` asks the agent to run over calls. */
    private readonly stepHint: () => StepHint = () => 'none',
    /** `in-offer`: the version-2 offer carried the hello, so the bundle is on its way; `due`: send it first. */
    hello: 'in-offer' | 'due' = 'due',
    /** The ELF's line table: a `next`'s range step carries the pieces GDB would step through after it (`more`). */
    private readonly pieces?: StepPieces,
  ) {
    if (hello === 'in-offer') this.waiting = 'bundle';
  }

  /** Bytes from GDB. */
  fromGdb(chunk: Buffer): void {
    for (const event of this.parser.push(chunk)) this.gdbEvent(event);
    this.pump();
  }

  /** A message from the agent. */
  fromAgent(message: AccelMessage): void {
    if (message.t === 'bundle' && this.waiting === 'bundle') {
      this.cache.addSetup(message.q, message.docs);
      this.cache.absorb(message.pre, this.ctx.g);
      this.bpSure = message.bpSure === true;
      this.waiting = 'none';
    } else if (message.t === 'rep' && this.earlyDue > 0) {
      // An early breakpoint's answer: GDB had its OK; a refusal is the agent's to report on the next resume.
      this.earlyDue--;
      const reply = message.p[message.p.length - 1];
      if (reply !== 'OK') this.log.warn('the stub refused a pipelined breakpoint', { reply });
      return;
    } else if (message.t === 'rep' && (this.waiting === 'reply' || this.waiting === 'resume')) {
      this.waiting = 'none';
      const final = message.p[message.p.length - 1] ?? '';
      if (message.pre) this.cache.absorb(message.pre, this.ctx.g);
      this.afterReply(this.sentPayload, final);
      for (const p of message.p) this.send(p);
    } else {
      this.log.warn('unexpected message from the agent', { type: message.t, waiting: this.waiting });
      return;
    }
    this.pump();
  }

  private gdbEvent(event: RspEvent): void {
    switch (event.type) {
      case 'nack':
        if (this.lastSent) this.out.toGdb(this.lastSent);
        return;
      case 'interrupt':
        // Only a running target can be interrupted; a late Ctrl-C after the stop means nothing in all-stop mode.
        if (this.waiting === 'resume') this.out.toAgent({ t: 'int' });
        return;
      case 'packet':
        if (!this.noAck) this.out.toGdb(Buffer.from(event.valid ? '+' : '-'));
        if (event.valid) this.queue.push(event.payload);
        return;
      default:
        return;
    }
  }

  // Serves queued packets until one has to wait for the agent.
  private pump(): void {
    while (this.queue.length > 0 && (this.waiting === 'none' || this.waiting === 'hello')) {
      if (this.waiting === 'hello') {
        const first = this.queue[0];
        this.out.toAgent({ t: 'hello', qSupported: first.startsWith('qSupported') ? first : undefined });
        this.waiting = 'bundle';
        return;
      }
      this.serve(this.queue.shift() as string);
    }
  }

  private serve(payload: string): void {
    if (payload === 'QStartNoAckMode') {
      this.answerHere('OK');
      this.noAck = true;
      return;
    }
    const kind = classifyPacket(payload);
    if (kind === 'select' && this.selectLocally(payload)) return this.answerHere('OK');
    if (kind === 'extended') {
      this.ctx.extended = true;
      return this.answerHere('OK');
    }
    if (kind === 'read' || kind === 'setup') {
      const cached = this.cache.answer(payload, this.ctx.g);
      if (cached !== undefined) return this.answerHere(cached);
    } else if (kind === 'breakpoint') {
      const bp = breakpointPacket(payload);
      if (bp && bp.type === 0) this.cache.forgetUnder(bp.addr, Math.max(bp.kind, 4));
      if (bp && bp.type === 0 && this.bpSure) return this.early(payload);
    } else this.cache.invalidate();
    this.sentPayload = payload;
    this.forwarded++;
    this.log.debug('to the device', { packet: payload.slice(0, 40) });
    this.waiting = isResume(payload) ? 'resume' : 'reply';
    const overCalls = isRangeStep(payload) && this.stepHint() === 'next';
    const range = overCalls ? rangeOf(payload) : undefined;
    const more = range && this.pieces ? this.pieces.after(range.end) : [];
    this.out.toAgent({
      t: 'req',
      p: payload,
      ctx: { ...this.ctx },
      ...(overCalls ? { calls: 'over' } : {}),
      ...(more.length > 0 ? { more } : {}),
    });
  }

  // A software breakpoint at a stub that cannot fail it: OK now, the packet goes on in order (no round trip waited).
  private early(payload: string): void {
    this.answerHere('OK');
    this.forwarded++;
    this.earlyDue++;
    this.out.toAgent({ t: 'req', p: payload, ctx: { ...this.ctx }, early: true });
  }

  // `Hg`/`Hc` of "any thread" or a thread listed at this stop: kept here, applied by the agent with the next request.
  private selectLocally(payload: string): boolean {
    const id = payload.slice(2);
    const norm = normalizeThread(id);
    if (norm !== 'any' && !this.cache.knownThreads().includes(norm)) return false;
    if (payload[1] === 'g') this.ctx.g = id;
    else this.ctx.c = id;
    return true;
  }

  private afterReply(payload: string, reply: string): void {
    if (classifyPacket(payload) === 'select' && reply === 'OK') {
      if (payload[1] === 'g') this.ctx.g = payload.slice(2);
      else this.ctx.c = payload.slice(2);
    }
  }

  private answerHere(payload: string): void {
    this.local++;
    this.send(payload);
  }

  private send(payload: string): void {
    const packet = encodePacket(payload);
    this.lastSent = packet;
    this.out.toGdb(packet);
  }
}
