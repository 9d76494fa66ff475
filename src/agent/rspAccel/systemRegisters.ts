// MSP … CONTROL on a stub that does not expose them (QEMU 7.2): MRS/MSR run at the halted PC, then all put back.
import type { Logger } from '../../common/log';
import { REG_XPSR, wordHex } from '../../debug/rsp/coreReset';
import type { AccelMessage, QueryAnswer } from '../../protocol/rspAccel';
import { memoryHex } from './memoryReads';
import type { StubClient } from './stubClient';
import { mrs, msr, SYSTEM_REGISTERS } from './systemRegisterDocs';
import { PC_REG, registerWord } from './targetShape';

/** xPSR's IT/ICI bits: inside an IT block the injected instructions would be conditional, so they are cleared. */
const IT_BITS = 0x0600fc00;
/** Steps sent for one instruction before giving up (see stepTo). */
const STEP_TRIES = 3;
/** What GDB shows as <unavailable>. */
const UNAVAILABLE = 'xxxxxxxx';
/** CONTROL's index in SYSTEM_REGISTERS: the one register unprivileged code may read (the others read as zero). */
const CONTROL = SYSTEM_REGISTERS.length - 1;

/** A `p` reply (one 32-bit register, little-endian hex) as a number. */
const hexWord = (hex: string): number | undefined => (hex.length === 8 ? registerWord(hex, 0) : undefined);

/** A step of the procedure the stub refused or did otherwise than asked: the target state is put back. */
class InjectionError extends Error {}

/**
 * Answers GDB's `p`/`P` for the registers systemRegisterDocs added (numbers `first` …). A read runs six MRS at the
 * PC (the code there saved and put back), single-stepped — QEMU steps with interrupts and timers held — and pushes
 * all six answers so GDB's next reads are answered on the operator's machine. A write reads CONTROL, then runs one
 * MSR with the value in r0. r0–r5, PC and xPSR are restored; SP is not, so a write to MSP or CONTROL takes effect
 * as on the core.
 */
export class SystemRegisters {
  constructor(
    private readonly stub: StubClient,
    private readonly first: number,
    private readonly log: Logger,
  ) {}

  /** True for a `p`/`P` packet naming one of these registers. */
  claims(payload: string): boolean {
    const m = /^[pP]([0-9a-fA-F]+)(=|$)/.exec(payload);
    if (!m) return false;
    const n = parseInt(m[1], 16);
    return n >= this.first && n < this.first + SYSTEM_REGISTERS.length;
  }

  /** The reply to a claimed packet. */
  async answer(payload: string): Promise<AccelMessage> {
    const m = /^([pP])([0-9a-fA-F]+)(?:=([0-9a-fA-F]*))?$/.exec(payload);
    const index = m ? parseInt(m[2], 16) - this.first : -1;
    if (!m || index < 0) return { t: 'rep', p: ['E01'] };
    if (m[1] === 'P') return { t: 'rep', p: [await this.write(index, m[3] ?? '')] };
    const q = await this.readAll();
    return { t: 'rep', p: [q[index][1]], pre: { q, mem: [] } };
  }

  private async readAll(): Promise<QueryAnswer[]> {
    const keys = SYSTEM_REGISTERS.map((_, i) => `p${(this.first + i).toString(16)}`);
    try {
      const { results, xpsr } = await this.run(
        SYSTEM_REGISTERS.map((r, i) => mrs(i, r.sysm)),
        [],
        SYSTEM_REGISTERS.map((_, i) => i),
      );
      const control = hexWord(results[CONTROL]) ?? 0;
      // Unprivileged thread mode (CONTROL.nPRIV, IPSR 0): MRS read zero, which is not the value.
      const unprivileged = (control & 1) === 1 && (xpsr & 0x1ff) === 0;
      return keys.map((k, i) => [k, unprivileged && i !== CONTROL ? UNAVAILABLE : results[i]]);
    } catch (err) {
      if (!(err instanceof InjectionError)) throw err;
      this.log.warn('could not read the system registers on this stub', { reason: err.message });
      return keys.map((k) => [k, UNAVAILABLE]);
    }
  }

  private async write(index: number, valueHex: string): Promise<string> {
    if (hexWord(valueHex) === undefined) return 'E01';
    try {
      // CONTROL is read first (into r1): unprivileged thread mode ignores the MSR, which must not look done.
      const { results, xpsr } = await this.run(
        [mrs(1, SYSTEM_REGISTERS[CONTROL].sysm), msr(SYSTEM_REGISTERS[index].sysm, 0)],
        [[0, valueHex]],
        [1],
      );
      if (((hexWord(results[0]) ?? 0) & 1) === 1 && (xpsr & 0x1ff) === 0) {
        return `E.the core runs unprivileged (CONTROL.nPRIV), where it ignores writes to ${SYSTEM_REGISTERS[index].name}`;
      }
      return 'OK';
    } catch (err) {
      if (!(err instanceof InjectionError)) throw err;
      this.log.warn('could not write a system register on this stub', {
        register: SYSTEM_REGISTERS[index].name,
        reason: err.message,
      });
      // GDB shows an `E.` reply's text: the editor learns why, not just that it failed.
      const why = err.message.replace(/[$#}*]/g, '?');
      return `E.could not write ${SYSTEM_REGISTERS[index].name} by running MSR on the core: ${why}`;
    }
  }

  /**
   * Runs `code` (one 32-bit instruction each) at the PC with `inputs` set first, and returns the registers in
   * `outputs` as hex. Whatever happens, the code bytes, r0 … r5, PC and xPSR are put back.
   */
  private async run(
    code: string[],
    inputs: Array<[number, string]>,
    outputs: number[],
  ): Promise<{ results: string[]; xpsr: number }> {
    const g = await this.stub.ask('g');
    const pc = registerWord(g, PC_REG);
    const xpsrHex = await this.stub.ask(`p${REG_XPSR.toString(16)}`);
    const xpsr = hexWord(xpsrHex);
    if (pc === undefined || xpsr === undefined) throw new InjectionError(`registers unreadable (${g.slice(0, 12)})`);
    const at = `${pc.toString(16)},${(code.length * 4).toString(16)}`;
    const saved = memoryHex(await this.stub.ask(`m${at}`));
    if (saved?.length !== code.length * 8) throw new InjectionError(`code at 0x${pc.toString(16)} unreadable`);
    const touched = new Set([...inputs.map(([r]) => r), ...outputs, PC_REG]);
    const ran = await this.steps(pc, code, inputs, xpsr).then(
      (after) => ({ after }),
      (err: unknown) => ({ err }),
    );
    const restore = [
      `M${at}:${saved}`,
      ...[...touched].map((reg) => `P${reg.toString(16)}=${g.slice(reg * 8, reg * 8 + 8)}`),
      `P${REG_XPSR.toString(16)}=${xpsrHex}`,
    ];
    // Every piece is tried even when one fails: a half-restored core is worse than a reported failure.
    const failed: string[] = [];
    for (const packet of restore) if ((await this.stub.ask(packet)) !== 'OK') failed.push(packet.split(/[,=]/)[0]);
    if (failed.length > 0) throw new InjectionError(`could not put back ${failed.join(', ')}`);
    if ('err' in ran) throw ran.err;
    return { results: outputs.map((r) => ran.after.slice(r * 8, r * 8 + 8)), xpsr };
  }

  /** Writes the code and inputs, steps through it and returns `g` at its end. */
  private async steps(pc: number, code: string[], inputs: Array<[number, string]>, xpsr: number): Promise<string> {
    await this.expectOk(`M${pc.toString(16)},${(code.length * 4).toString(16)}:${code.join('')}`);
    for (const [reg, hex] of inputs) await this.expectOk(`P${reg.toString(16)}=${hex}`);
    if (xpsr & IT_BITS) await this.expectOk(`P${REG_XPSR.toString(16)}=${wordHex(xpsr & ~IT_BITS)}`);
    for (let i = 1; i <= code.length; i++) await this.stepTo(pc + 4 * i);
    return this.stub.ask('g');
  }

  /**
   * One single step that must end at `expected`, checked: a core that went elsewhere (an exception taken) must not
   * run on there. QEMU under load sometimes reports a step without running the instruction; the PC then has not
   * moved, and the step is sent again (at most STEP_TRIES times).
   */
  private async stepTo(expected: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const stop = await this.stub.ask('s');
      if (!/^[TS][0-9a-fA-F]{2}/.test(stop)) throw new InjectionError(`step answered ${stop.slice(0, 20)}`);
      const now = hexWord(await this.stub.ask(`p${PC_REG.toString(16)}`));
      if (now === expected) return;
      if (now !== expected - 4 || attempt === STEP_TRIES) {
        throw new InjectionError(`the core went to 0x${now?.toString(16)} instead of 0x${expected.toString(16)}`);
      }
      this.log.debug('the stub reported a step the core did not take; stepping again', { attempt });
    }
  }

  private async expectOk(packet: string): Promise<void> {
    const reply = await this.stub.ask(packet);
    if (reply !== 'OK') throw new InjectionError(`${packet.slice(0, 12)}… answered ${reply || 'nothing'}`);
  }
}
