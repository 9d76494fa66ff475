// Range stepping next to the stub: single steps through [start, end), and for GDB's `next` runs over calls itself.
import type { Logger } from '../../common/log';
import { decodePayload } from '../../debug/rsp/packet';
import { asStepStop, callReturn, returnStop } from './callStep';
import type { MemoryRange } from '../../protocol/rspAccel';
import { asInterrupt, isPlainStepStop, nextMove, thumbInsnSize, type RangeStep } from './rangeStep';
import type { StubClient } from './stubClient';
import { LR_REG, PC_REG, registerWord, SP_REG } from './targetShape';

/** How a range step treats calls: `over` for GDB's `next` (the operator side's hint), `into` otherwise (GDB decides). */
export type CallPolicy = 'over' | 'into';

/** The stop to report and, for a call the agent ran over, whether it came back to the calling frame. */
type OverCall = { back: true; packets: string[] } | { back: false; packets: string[] };

/**
 * Executes one `vCont;r` against the stub. With `over`, a step that leaves the range through a BL/BLX is followed by
 * a temporary breakpoint at the return address and a continue; a stop there with SP back at its value after the
 * call is the return (a deeper, recursive activation reaching the same address continues again), and range stepping
 * goes on. Any other stop during that continue — a user breakpoint in the callee, a watchpoint, a fault, Ctrl-C — is
 * reported as it is once the temporary breakpoint is removed: GDB then does what it would have done.
 */
export class RangeStepper {
  private interrupted = false;
  /** A continue over a call is outstanding at the stub: Ctrl-C must reach the stub. */
  private continuing = false;

  constructor(
    private readonly stub: StubClient,
    /** Breakpoints GDB inserted (Z0/Z1), kept by the session. */
    private readonly breakpoints: ReadonlySet<number>,
    private readonly closed: () => boolean,
    private readonly log: Logger,
  ) {}

  /** GDB's Ctrl-C while the range step runs. */
  interrupt(): void {
    this.interrupted = true;
    if (this.continuing) this.stub.interrupt();
  }

  /**
   * Steps until the PC leaves the range or something else stops the core; the stub's packets to report. `more`
   * (with `over`): the line-table pieces GDB would range-step next; when the PC leaves the range exactly at its end
   * by falling through (or by the return of a call run over), the first of them becomes the range — the same frame
   * at the start of a piece GDB steps on through, so GDB would have sent that range step itself.
   */
  async run(
    range: RangeStep,
    calls: CallPolicy,
    interruptedAlready: boolean,
    more: readonly MemoryRange[] = [],
  ): Promise<string[]> {
    this.interrupted = interruptedAlready;
    let pieces = calls === 'over' ? more : [];
    let current = range;
    let started = Date.now();
    let pc = calls === 'over' ? await this.register(PC_REG) : undefined;
    for (let steps = 1; ; steps++) {
      const before = pc;
      let packets = await this.stub.request(range.step);
      pc = await this.register(PC_REG);
      const stepped = (reply: string) => ({
        reply,
        pc,
        range: current,
        breakpoints: this.breakpoints,
        interrupted: this.interrupted || this.closed(),
        steps,
        elapsedMs: Date.now() - started,
      });
      let move = nextMove(stepped(last(packets)));
      // A breakpoint GDB inserted at the callee's entry is hit by the step itself: GDB must see it.
      const left = pc !== undefined && (pc < current.start || pc >= current.end) && !this.breakpoints.has(pc);
      if (move === 'report' && calls === 'over' && before !== undefined && left && !this.interrupted) {
        if (isPlainStepStop(last(packets))) {
          const over = await this.overCall(before, current, packets);
          if (over && !over.back) return over.packets;
          if (over) {
            packets = over.packets;
            pc = await this.register(PC_REG);
            started = Date.now();
            move = nextMove(stepped(last(packets)));
          }
        }
      }
      const next = pieces[0];
      if (move === 'report' && next && before !== undefined && pc === current.end && pc === next[0]) {
        const onward =
          !this.interrupted && !this.closed() && isPlainStepStop(last(packets)) && !this.breakpoints.has(pc);
        if (onward && (await this.fellThrough(before, pc))) {
          current = { ...current, start: next[0], end: next[1] };
          pieces = pieces.slice(1);
          continue;
        }
      }
      if (move === 'report') {
        const reply = last(packets);
        return this.interrupted ? [...packets.slice(0, -1), asInterrupt(reply)] : packets;
      }
    }
  }

  // The step that left the range: a call? Then run to its return with a temporary breakpoint (undefined: no call).
  private async overCall(pcBefore: number, range: RangeStep, stepPackets: string[]): Promise<OverCall | undefined> {
    const insn = memoryBytes(await this.stub.ask(`m${pcBefore.toString(16)},4`));
    const lr = await this.register(LR_REG);
    const ret = insn && lr !== undefined ? callReturn(pcBefore, insn, lr) : undefined;
    const callSp = await this.register(SP_REG);
    // A user breakpoint at the return address already stops there: GDB handles that call as it does today.
    if (ret === undefined || callSp === undefined || this.breakpoints.has(ret)) return undefined;
    const at = `0,${ret.toString(16)},2`;
    if ((await this.stub.ask(`Z${at}`)) !== 'OK') return undefined;
    let inserted = true;
    try {
      for (;;) {
        if (this.interrupted || this.closed()) {
          return { back: false, packets: [...stepPackets.slice(0, -1), asInterrupt(last(stepPackets))] };
        }
        const stopped = await this.continueToStop(range.cont);
        const reply = last(stopped);
        const where = { pc: await this.register(PC_REG), sp: await this.register(SP_REG) };
        const verdict = returnStop({ reply, ...where, ret, callSp });
        if (verdict === 'returned' && !this.interrupted) {
          this.log.debug('ran over a call next to the stub', { ret: ret.toString(16) });
          return { back: true, packets: [...stopped.slice(0, -1), asStepStop(reply)] };
        }
        if (verdict !== 'deeper' || this.interrupted) {
          const shown = where.pc === ret ? asStepStop(reply) : reply;
          return { back: false, packets: [...stopped.slice(0, -1), this.interrupted ? asInterrupt(shown) : shown] };
        }
        // A recursive activation returned to the same address: step off the breakpoint and run on.
        await this.stub.ask(`z${at}`);
        inserted = false;
        const off = await this.stub.request(range.step);
        if (!isPlainStepStop(last(off))) return { back: false, packets: off };
        if ((await this.stub.ask(`Z${at}`)) !== 'OK') return { back: false, packets: off };
        inserted = true;
      }
    } finally {
      if (inserted) await this.stub.ask(`z${at}`);
    }
  }

  // The PC went from `before` to `pc` by executing the instruction at `before` without a branch (or a call's return).
  private async fellThrough(before: number, pc: number): Promise<boolean> {
    const insn = memoryBytes(await this.stub.ask(`m${before.toString(16)},2`));
    return insn !== undefined && insn.length === 2 && before + thumbInsnSize(insn[0] | (insn[1] << 8)) === pc;
  }

  private async continueToStop(packet: string): Promise<string[]> {
    this.continuing = true;
    try {
      const stopped = this.stub.request(packet);
      // A Ctrl-C that came between the decision to continue and the packet going out.
      if (this.interrupted) this.stub.interrupt();
      return await stopped;
    } finally {
      this.continuing = false;
    }
  }

  private async register(index: number): Promise<number | undefined> {
    return registerWord(decodePayload(await this.stub.ask(`p${index.toString(16)}`)), 0);
  }
}

function last(packets: string[]): string {
  return packets[packets.length - 1];
}

/** The bytes of an `m` reply, undefined for an error. */
function memoryBytes(reply: string): Uint8Array | undefined {
  return /^([0-9a-fA-F]{2})+$/.test(reply) ? Buffer.from(reply, 'hex') : undefined;
}
