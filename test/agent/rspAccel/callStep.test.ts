// Stepping over calls during a range step: call detection from the stepped instruction and LR, the return's SP check,
// and the range stepper itself against a scripted stub (temporary breakpoint in, recursion run through, removed).
import assert from 'node:assert/strict';
import {
  asStepStop,
  callReturn,
  isBreakpointTrap,
  returnStop,
  thumbCallSize,
} from '../../../src/agent/rspAccel/callStep';
import { parseRangeStep } from '../../../src/agent/rspAccel/rangeStep';
import { RangeStepper } from '../../../src/agent/rspAccel/rangeStepper';
import type { StubClient } from '../../../src/agent/rspAccel/stubClient';
import type { MemoryRange } from '../../../src/protocol/rspAccel';
import { silentLogger } from '../../../src/common/log';

const hex = (s: string): Uint8Array => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('agent call detection (next runs over calls next to the stub)', () => {
  it('knows BL and BLX Rm from their bytes, and nothing else', () => {
    assert.equal(thumbCallSize(hex('fff7 f2ff')), 4, 'bl (sum_readings calling itself)');
    assert.equal(thumbCallSize(hex('9847')), 2, 'blx r3');
    assert.equal(thumbCallSize(hex('7047')), undefined, 'bx lr is a return');
    assert.equal(thumbCallSize(hex('fae7')), undefined, 'b.n');
    assert.equal(thumbCallSize(hex('9c47')), undefined, 'blxns: a call to the non-secure state, not followed');
    assert.equal(thumbCallSize(hex('00f0 00b8')), undefined, 'b.w (32-bit branch, no link)');
    assert.equal(thumbCallSize(hex('fff7')), undefined, 'half a BL');
  });

  it('takes a step out of the range for a call only when LR holds the address after the call instruction', () => {
    assert.equal(callReturn(0x10000de0, hex('fff7 f2ff'), 0x10000de5), 0x10000de4);
    assert.equal(callReturn(0x10000de0, hex('9847'), 0x10000de3), 0x10000de2);
    assert.equal(callReturn(0x10000de0, hex('fff7 f2ff'), 0x10000de4), undefined, 'no Thumb bit');
    // A branch out of the range after an earlier call in the same line: LR still points into the range.
    assert.equal(callReturn(0x10000dee, hex('fae7'), 0x10000de5), undefined);
  });

  it('counts a stop at the return address as the return only with SP back where it was after the call', () => {
    const at = { reply: 'T05thread:p01.01;', pc: 0x10000de4, ret: 0x10000de4, callSp: 0x381fff60 };
    assert.equal(returnStop({ ...at, sp: 0x381fff60 }), 'returned');
    assert.equal(returnStop({ ...at, sp: 0x381fff48 }), 'deeper', 'a recursive activation returning to itself');
    assert.equal(returnStop({ ...at, sp: 0x381fff78 }), 'report', 'an older frame: not ours to judge');
    assert.equal(returnStop({ ...at, pc: 0x10000dca, sp: 0x381fff48 }), 'report', 'a user breakpoint in the callee');
    assert.equal(returnStop({ ...at, reply: 'T02thread:p01.01;', sp: 0x381fff60 }), 'report', 'Ctrl-C');
    assert.equal(returnStop({ ...at, reply: 'T05watch:38000100;thread:p01.01;', sp: 0x381fff60 }), 'report');
    assert.equal(returnStop({ ...at, sp: undefined }), 'report');
    assert.equal(isBreakpointTrap('T05swbreak:;thread:p01.01;'), true);
    assert.equal(asStepStop('T05swbreak:;thread:p01.01;'), 'T05thread:p01.01;');
  });
});

/** The core of a tiny program: one instruction per call of `exec`, which also sees whether Ctrl-C came. */
interface Cpu {
  pc: number;
  sp: number;
  lr: number;
}

/** A stub as QEMU behaves: a continue stops at any inserted address before executing it (the starting PC too). */
class ScriptedStub {
  readonly cpu: Cpu;
  readonly sent: string[] = [];
  readonly inserted = new Map<number, number>();
  interrupted = false;

  constructor(
    start: Cpu,
    private readonly exec: (cpu: Cpu, interrupted: boolean) => void,
    private readonly bytes: Map<number, string>,
  ) {
    this.cpu = { ...start };
  }

  request(payload: string): Promise<string[]> {
    this.sent.push(payload);
    return Promise.resolve([this.answer(payload)]);
  }

  async ask(payload: string): Promise<string> {
    return (await this.request(payload))[0];
  }

  interrupt(): void {
    this.interrupted = true;
  }

  private answer(p: string): string {
    const reg = /^p([0-9a-f]+)$/.exec(p);
    if (reg) {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(({ 13: this.cpu.sp, 14: this.cpu.lr, 15: this.cpu.pc }[parseInt(reg[1], 16)] ?? 0) >>> 0);
      return b.toString('hex');
    }
    const mem = /^m([0-9a-f]+),([24])$/.exec(p);
    if (mem) return (this.bytes.get(parseInt(mem[1], 16)) ?? '00bf00bf').slice(0, Number(mem[2]) * 2);
    const bp = /^([Zz])0,([0-9a-f]+),2$/.exec(p);
    if (bp) {
      const addr = parseInt(bp[2], 16);
      const n = (this.inserted.get(addr) ?? 0) + (bp[1] === 'Z' ? 1 : -1);
      if (n > 0) this.inserted.set(addr, n);
      else this.inserted.delete(addr);
      return 'OK';
    }
    if (p.startsWith('vCont;s')) {
      this.exec(this.cpu, this.interrupted);
      return 'T05thread:p01.01;';
    }
    if (p.startsWith('vCont;c')) {
      for (let i = 0; i < 10_000; i++) {
        if (this.inserted.has(this.cpu.pc)) return 'T05thread:p01.01;';
        if (this.interrupted) return 'T02thread:p01.01;';
        this.exec(this.cpu, this.interrupted);
      }
      return 'T02thread:p01.01;';
    }
    return '';
  }
}

const BL = 'fff7fdf8';

describe('agent range stepper over calls (scripted stub)', () => {
  /**
   * The line [0x100, 0x108): nop; `bl f` at 0x102 (returns to 0x106); nop. f at 0x200: push (SP - 8); at 0x202
   * `bl f` again while `depth` recursions remain (returns to 0x206), else a nop; at 0x206 pop and return.
   */
  function program(depth: number, userBreakpoints: number[] = [], start: Cpu = { pc: 0x100, sp: 0x1000, lr: 0 }) {
    let left = depth;
    // Inside f already (the recursive-call test): f's caller's return address is saved.
    const saved: number[] = start.pc >= 0x200 ? [0x106] : [];
    const exec = (cpu: Cpu): void => {
      if (cpu.pc === 0x102 || (cpu.pc === 0x202 && left > 0)) {
        if (cpu.pc === 0x202) left--;
        cpu.lr = (cpu.pc + 4) | 1;
        cpu.pc = 0x200;
      } else if (cpu.pc === 0x200) {
        saved.push(cpu.lr & ~1);
        cpu.sp -= 8;
        cpu.pc = 0x202;
      } else if (cpu.pc === 0x202) cpu.pc = 0x206;
      else if (cpu.pc === 0x206) {
        cpu.sp += 8;
        cpu.pc = saved.pop() as number;
      } else cpu.pc += 2;
    };
    const stub = new ScriptedStub(
      start,
      exec,
      new Map([
        [0x102, BL],
        [0x202, BL],
      ]),
    );
    for (const at of userBreakpoints) stub.inserted.set(at, 1);
    const stepper = new RangeStepper(
      stub as unknown as StubClient,
      new Set(userBreakpoints),
      () => false,
      silentLogger,
    );
    return { stub, stepper };
  }
  const range = parseRangeStep('vCont;r100,108:p1.1;c:p1.-1')!;

  it('runs over a call and on to the end of the range, with the temporary breakpoint removed', async () => {
    const { stub, stepper } = program(0);
    assert.deepEqual(await stepper.run(range, 'over', false), ['T05thread:p01.01;']);
    assert.equal(stub.cpu.pc, 0x108);
    assert.equal(stub.inserted.size, 0);
    assert.ok(stub.sent.includes('Z0,106,2') && stub.sent.includes('vCont;c:p1.1;c:p1.-1'));
  });

  it('goes on through recursive activations reaching the same return address with a lower SP', async () => {
    // `next` over f's own recursive call (the line [0x202, 0x206)): deeper activations return to 0x206 first.
    const { stub, stepper } = program(3, [], { pc: 0x202, sp: 0xff8, lr: 0x107 });
    await stepper.run(parseRangeStep('vCont;r202,206:p1.1;c:p1.-1')!, 'over', false);
    assert.deepEqual(stub.cpu, { pc: 0x206, sp: 0xff8, lr: 0x207 }, 'stopped only when the outer call returned');
    assert.equal(stub.inserted.size, 0);
    // The three deeper activations each reached 0x206 (the innermost falling through to it) before the outer one.
    assert.equal(stub.sent.filter((p) => p.startsWith('vCont;c')).length, 4);
  });

  it('without the hint, reports the step into the callee as before', async () => {
    const { stub, stepper } = program(0);
    await stepper.run(range, 'into', false);
    assert.equal(stub.cpu.pc, 0x200);
    assert.ok(!stub.sent.some((p) => p.startsWith('Z')));
  });

  it('reports a user breakpoint inside the callee as it is, temporary breakpoint removed', async () => {
    const { stub, stepper } = program(2, [0x202]);
    assert.deepEqual(await stepper.run(range, 'over', false), ['T05thread:p01.01;']);
    assert.equal(stub.cpu.pc, 0x202);
    assert.deepEqual([...stub.inserted.keys()], [0x202], "GDB's breakpoint stays, the agent's is gone");
  });

  it('reports a user breakpoint at the callee entry from the step itself', async () => {
    const { stub, stepper } = program(0, [0x200]);
    await stepper.run(range, 'over', false);
    assert.equal(stub.cpu.pc, 0x200);
    assert.ok(!stub.sent.some((p) => p.startsWith('Z')));
  });

  it('answers Ctrl-C during a callee that never returns with T02, temporary breakpoint removed', async () => {
    const exec = (cpu: Cpu, interrupted: boolean): void => {
      if (cpu.pc === 0x102) {
        cpu.lr = 0x107;
        cpu.pc = 0x300;
      } else if (cpu.pc !== 0x300 || interrupted) cpu.pc += 2;
    };
    const stub = new ScriptedStub({ pc: 0x100, sp: 0x1000, lr: 0 }, exec, new Map([[0x102, BL]]));
    const stepper = new RangeStepper(stub as unknown as StubClient, new Set(), () => false, silentLogger);
    const request = stub.request.bind(stub);
    // GDB's Ctrl-C arrives while the continue over the call runs.
    stub.request = (p: string) => {
      if (p.startsWith('vCont;c')) stepper.interrupt();
      return request(p);
    };
    assert.deepEqual(await stepper.run(range, 'over', false), ['T02thread:p01.01;']);
    assert.equal(stub.inserted.size, 0);
  });

  it('goes on into the line-table pieces GDB would step next when the PC falls through to them', async () => {
    // [0x100, 0x108) with the call run over, then the pieces [0x108, 0x10c) and [0x10c, 0x110): one request.
    const { stub, stepper } = program(0);
    const more: MemoryRange[] = [
      [0x108, 0x10c],
      [0x10c, 0x110],
    ];
    assert.deepEqual(await stepper.run(range, 'over', false, more), ['T05thread:p01.01;']);
    assert.equal(stub.cpu.pc, 0x110);
    assert.equal(stub.inserted.size, 0);
  });

  it('goes on after a call run over whose return address is the next piece', async () => {
    const { stub, stepper } = program(0);
    await stepper.run(parseRangeStep('vCont;r100,106:p1.1;c:p1.-1')!, 'over', false, [[0x106, 0x10a]]);
    assert.equal(stub.cpu.pc, 0x10a);
  });

  it('reports the stop to GDB when the PC reaches the next piece by a branch, or a breakpoint GDB set is there', async () => {
    const jump = (cpu: Cpu): void => {
      cpu.pc = cpu.pc === 0x104 ? 0x108 : cpu.pc + 2;
    };
    const stub = new ScriptedStub({ pc: 0x100, sp: 0x1000, lr: 0 }, jump, new Map());
    const stepper = new RangeStepper(stub as unknown as StubClient, new Set(), () => false, silentLogger);
    // 0x104 (a 2-byte instruction) branches to 0x108, the range's end: not a fall-through.
    await stepper.run(range, 'over', false, [[0x108, 0x10c]]);
    assert.equal(stub.cpu.pc, 0x108, 'a branch: GDB judges the frame and line');
    const held = program(0, [0x108]);
    await held.stepper.run(range, 'over', false, [[0x108, 0x10c]]);
    assert.equal(held.stub.cpu.pc, 0x108);
    const into = program(0);
    await into.stepper.run(parseRangeStep('vCont;r100,102:p1.1;c:p1.-1')!, 'into', false, [[0x102, 0x104]]);
    assert.equal(into.stub.cpu.pc, 0x102, 'pieces only with the `next` hint');
  });
});
