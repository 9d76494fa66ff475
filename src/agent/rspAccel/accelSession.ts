// The agent side of an accelerated rsp channel: executes the operator side's requests against the stub, in order.
import type { Logger } from '../../common/log';
import { encodePacket } from '../../debug/rsp/packet';
import {
  earlyFailureReply,
  type AccelMessage,
  type MemoryRange,
  type Prefetch,
  type RequestContext,
} from '../../protocol/rspAccel';
import { handshake, type TargetFacts } from './handshake';
import { memoryHex, readAheadWindow, readBlock } from './memoryReads';
import { parseRangeStep, withRangeStepping } from './rangeStep';
import { RangeStepper, type CallPolicy } from './rangeStepper';
import { stopPrefetch } from './stopPrefetch';
import { StubGoneError, type StubClient } from './stubClient';
import { SystemRegisters } from './systemRegisters';
import { isSafe, rewriteSupported } from './targetShape';

/** End of the Cortex-M Code region (flash): reads below it are code or constants. */
const CODE_END = 0x20000000;

/** A packet that lets the target run: its stop reply comes with a prefetch. */
const RESUME = /^([cCsS]|vCont;|vRun|R|i|I)/;

/**
 * Feed it the operator side's messages; it answers through `send`. Requests run one at a time. On each stop it
 * pushes the prefetch; it keeps the stub's thread selection in step with GDB's (RequestContext), does range
 * stepping, watches Z/z to know where breakpoints are, and notes whether GDB ended the session (D, k, vKill).
 */
export class AccelSession {
  private readonly queue: AccelMessage[] = [];
  private working = false;
  private facts: TargetFacts = {
    mProfile: false,
    multiprocess: false,
    regions: [],
    maxRead: 0x40,
    ends: [],
    rangeStepping: false,
    bpSure: false,
  };
  private readonly stubSelected: { g?: string; c?: string } = {};
  private extendedSent = false;
  private readonly breakpoints = new Set<number>();
  private running: 'no' | 'stub' | 'range' = 'no';
  private readonly stepper: RangeStepper;
  /** A Ctrl-C that came while its resume was still queued or being prepared. */
  private interruptPending = false;
  private startingResume = false;
  private ended = false;
  /** GDB read code from the target (it does not take it from the ELF): prefetch code at stops from then on. */
  private codeWanted = false;
  private closed = false;
  /** An early (pipelined) Z0/z0 the stub refused: the next resume is answered with this instead of running. */
  private earlyFailure?: string;
  /** MSP … CONTROL run through the core, when the handshake added them to the target description. */
  private systemRegisters?: SystemRegisters;

  constructor(
    private readonly stub: StubClient,
    private readonly send: (message: AccelMessage) => void,
    private readonly log: Logger,
  ) {
    this.stepper = new RangeStepper(stub, this.breakpoints, () => this.closed, log);
  }

  /** The detach packet for this stub: with multiprocess on, QEMU refuses a plain `D` (E22). */
  get detachPacket(): string {
    return encodePacket(this.facts.multiprocess ? 'D;1' : 'D').toString('latin1');
  }

  /** True once GDB detached or killed: the session ended on purpose. */
  get sessionEnded(): boolean {
    return this.ended;
  }

  /** One message from the operator side. */
  receive(message: AccelMessage): void {
    if (message.t === 'int') return this.interrupt();
    this.queue.push(message);
    void this.drain();
  }

  /** The channel is gone: stop range stepping and take no more requests. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  // The operator side only sends Ctrl-C while a resume is outstanding: it belongs to the running or the next resume.
  private interrupt(): void {
    if (this.running === 'range') this.stepper.interrupt();
    else if (this.running === 'stub') this.stub.interrupt();
    else if (this.startingResume || this.queue.some((m) => m.t === 'req' && RESUME.test(m.p))) {
      this.interruptPending = true;
    }
  }

  private async drain(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (let m = this.queue.shift(); m && !this.closed; m = this.queue.shift()) {
        if (m.t === 'hello') {
          const { bundle, facts } = await handshake(this.stub, m.qSupported, m.reads);
          this.facts = facts;
          if (facts.systemRegisters !== undefined) {
            this.systemRegisters = new SystemRegisters(this.stub, facts.systemRegisters, this.log);
          }
          this.send(bundle);
        } else if (m.t === 'req' && m.early) this.send(await this.early(m.p, m.ctx));
        else if (m.t === 'req') this.send(await this.execute(m.p, m.ctx, m.calls === 'over' ? 'over' : 'into', m.more));
      }
    } catch (err) {
      if (!(err instanceof StubGoneError)) throw err;
      this.log.info('GDB stub gone during an accelerated session', { reason: err.message });
    } finally {
      this.working = false;
    }
  }

  // A Z0/z0 GDB already had OK for (earlyFailureReply): run in order; a refusal stops the next resume.
  private async early(payload: string, ctx: RequestContext): Promise<AccelMessage> {
    const refused = await this.applyContext(ctx);
    const packets = refused === undefined ? await this.stub.request(payload) : [refused];
    const reply = packets[packets.length - 1];
    if (refused === undefined) this.track(payload, reply);
    if (reply !== 'OK' && this.earlyFailure === undefined) {
      this.earlyFailure = earlyFailureReply(payload, reply);
      this.log.warn('the stub refused a pipelined breakpoint; the next resume reports it', { packet: payload, reply });
    }
    return { t: 'rep', p: packets };
  }

  private async execute(
    payload: string,
    ctx: RequestContext,
    calls: CallPolicy,
    more: readonly MemoryRange[] = [],
  ): Promise<AccelMessage> {
    this.startingResume = RESUME.test(payload);
    try {
      return await this.executeNow(payload, ctx, calls, more);
    } finally {
      this.startingResume = false;
      this.interruptPending = false;
    }
  }

  private async executeNow(
    payload: string,
    ctx: RequestContext,
    calls: CallPolicy,
    more: readonly MemoryRange[],
  ): Promise<AccelMessage> {
    const refused = await this.applyContext(ctx);
    if (refused) return { t: 'rep', p: [refused] };
    if (/^(D|k$|vKill)/.test(payload)) this.ended = true;
    if (this.earlyFailure !== undefined && RESUME.test(payload)) {
      const reply = this.earlyFailure;
      this.earlyFailure = undefined;
      return { t: 'rep', p: [reply] };
    }
    if (payload === 'vCont?') {
      const reply = await this.stub.ask(payload);
      return { t: 'rep', p: [this.facts.rangeStepping ? withRangeStepping(reply) : reply] };
    }
    if (payload.startsWith('qSupported')) return { t: 'rep', p: [rewriteSupported(await this.stub.ask(payload))] };
    const range = this.facts.rangeStepping ? parseRangeStep(payload) : undefined;
    if (range) {
      this.running = 'range';
      try {
        return await this.withStop(await this.stepper.run(range, calls, this.interruptPending, more));
      } finally {
        this.running = 'no';
      }
    }
    const read = /^m([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(payload);
    if (read) return this.readMemory(parseInt(read[1], 16), parseInt(read[2], 16), payload);
    if (this.systemRegisters?.claims(payload)) return this.systemRegisters.answer(payload);
    if (!RESUME.test(payload)) {
      const packets = await this.stub.request(payload);
      this.track(payload, packets[packets.length - 1]);
      return { t: 'rep', p: packets, pre: await this.underBreakpoint(payload) };
    }
    this.running = 'stub';
    try {
      const stopped = this.stub.request(payload);
      if (this.interruptPending) this.stub.interrupt();
      return await this.withStop(await stopped);
    } finally {
      this.running = 'no';
    }
  }

  // GDB's `!` and thread selection, kept by the operator side, reach the stub before the request that needs them.
  private async applyContext(ctx: RequestContext): Promise<string | undefined> {
    if (ctx.extended && !this.extendedSent) {
      this.extendedSent = true;
      await this.stub.ask('!');
    }
    for (const op of ['g', 'c'] as const) {
      const want = ctx[op];
      if (want === undefined || want === this.stubSelected[op]) continue;
      const reply = await this.stub.ask(`H${op}${want}`);
      if (reply !== 'OK') return reply;
      this.stubSelected[op] = want;
    }
    return undefined;
  }

  private track(payload: string, reply: string): void {
    if (reply !== 'OK') return;
    const bp = /^([Zz])[01],([0-9a-fA-F]+),/.exec(payload);
    if (bp && bp[1] === 'Z') this.breakpoints.add(parseInt(bp[2], 16));
    else if (bp) this.breakpoints.delete(parseInt(bp[2], 16));
    const sel = /^H([gc])(.+)$/.exec(payload);
    if (sel) this.stubSelected[sel[1] as 'g' | 'c'] = sel[2];
  }

  // The operator side drops cached memory under a software breakpoint it passes on: read it again as it is now.
  private async underBreakpoint(payload: string): Promise<Prefetch | undefined> {
    const bp = /^[Zz]0,([0-9a-fA-F]+),/.exec(payload);
    if (!bp) return undefined;
    const addr = parseInt(bp[1], 16);
    const block = await readBlock(this.stub, this.facts, Math.max(0, (addr & ~0x3f) - 0x40), 0x100);
    return block && { q: [], mem: [block] };
  }

  // A stop reply goes with what GDB reads next; exits and errors go alone.
  private async withStop(packets: string[]): Promise<AccelMessage> {
    const reply = packets[packets.length - 1];
    if (!/^[TS][0-9a-fA-F]{2}/.test(reply)) return { t: 'rep', p: packets };
    const code = this.codeWanted ? 'code' : 'no-code';
    const pre: Prefetch = await stopPrefetch(this.stub, this.facts, this.facts.mProfile, code);
    pre.q.push(['?', reply]);
    return { t: 'rep', p: packets, pre };
  }

  // GDB's read widened to a window in safe memory, so the next reads (x/N, variables) are answered locally.
  private async readMemory(addr: number, len: number, payload: string): Promise<AccelMessage> {
    if (this.facts.mProfile && addr < CODE_END) this.codeWanted = true;
    const window = readAheadWindow(addr, len);
    if (isSafe(this.facts.regions, addr, len) && len <= this.facts.maxRead) {
      const block = await readBlock(this.stub, this.facts, window.start, window.len);
      if (block && block[0] <= addr && addr + len <= block[0] + block[1].length / 2) {
        const from = (addr - block[0]) * 2;
        return { t: 'rep', p: [block[1].slice(from, from + len * 2)], pre: { q: [], mem: [block] } };
      }
    }
    const reply = await this.stub.ask(payload);
    const hex = isSafe(this.facts.regions, addr, len) ? memoryHex(reply) : undefined;
    return { t: 'rep', p: [reply], pre: hex ? { q: [], mem: [[addr, hex]] } : undefined };
  }
}
