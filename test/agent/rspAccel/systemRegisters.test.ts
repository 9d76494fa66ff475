// MSP … CONTROL on a stub that leaves them out: the description the agent adds, and reads and writes that leave the
// core as they found it (code bytes, r0–r5, PC, xPSR), against a small model of a halted Cortex-M core.
import assert from 'node:assert/strict';
import type { StubClient } from '../../../src/agent/rspAccel/stubClient';
import { SystemRegisters } from '../../../src/agent/rspAccel/systemRegisters';
import { mrs, msr, SYSTEM_REGISTERS_DOC, withSystemRegisters } from '../../../src/agent/rspAccel/systemRegisterDocs';
import { silentLogger } from '../../../src/common/log';
import { wordHex } from '../../../src/debug/rsp/coreReset';
import type { QueryAnswer } from '../../../src/protocol/rspAccel';

/** QEMU 7.2's documents for mps2-an505, cut to their register lines (numbering as QEMU gives it). */
const qemuDocs: QueryAnswer[] = [
  [
    'features:target.xml',
    '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target><architecture>arm</architecture>' +
      '<xi:include href="arm-m-profile.xml"/><xi:include href="arm-vfp.xml"/></target>',
  ],
  [
    'features:arm-m-profile.xml',
    '<feature name="org.gnu.gdb.arm.m-profile">' +
      Array.from({ length: 16 }, (_, i) => `<reg name="r${i}" bitsize="32"/>`).join('') +
      '<reg name="xpsr" bitsize="32" regnum="25"/></feature>',
  ],
  [
    'features:arm-vfp.xml',
    '<feature name="org.gnu.gdb.arm.vfp">' +
      Array.from({ length: 16 }, (_, i) => `<reg name="d${i}" bitsize="64" type="ieee_double"/>`).join('') +
      '<reg name="fpscr" bitsize="32" type="int" group="float"/></feature>',
  ],
  ['memory-map:', '<memory-map><memory type="ram" start="0x0" length="0x1000"/></memory-map>'],
];

const SYSM: Record<number, string> = {
  8: 'msp',
  9: 'psp',
  16: 'primask',
  17: 'basepri',
  19: 'faultmask',
  20: 'control',
};

/** A halted core behind an RSP stub: 16 registers and xPSR, memory, system registers; `s` runs MRS/MSR at PC. */
class CoreModel {
  regs = Array.from({ length: 16 }, (_, i) => 0x1000 + i);
  xpsr = 0x01000000;
  sys: Record<string, number> = { msp: 0x20000f00, psp: 0x20000800, primask: 0, basepri: 0, faultmask: 0, control: 0 };
  mem = Buffer.alloc(0x1000, 0xaa);
  readonly sent: string[] = [];
  /** Set to make the next step land somewhere else (an exception taken, say). */
  divert?: number;
  /** Steps to report without running the instruction (as QEMU under load sometimes does). */
  idleSteps = 0;
  /** xPSR as it was during each step. */
  readonly xpsrAtStep: number[] = [];

  constructor() {
    this.regs[13] = this.sys.msp;
    this.regs[15] = 0x100;
  }

  request(payload: string): Promise<string[]> {
    this.sent.push(payload);
    return Promise.resolve([this.reply(payload)]);
  }

  async ask(payload: string): Promise<string> {
    return (await this.request(payload))[0];
  }

  interrupt(): void {}

  private reply(p: string): string {
    if (p === 'g') return [...this.regs, this.xpsr].map(wordHex).join('');
    if (p === 'p19') return wordHex(this.xpsr);
    if (p === 'pf') return wordHex(this.regs[15]);
    let m = /^m([0-9a-f]+),([0-9a-f]+)$/.exec(p);
    if (m) return this.mem.subarray(parseInt(m[1], 16), parseInt(m[1], 16) + parseInt(m[2], 16)).toString('hex');
    m = /^M([0-9a-f]+),[0-9a-f]+:([0-9a-f]+)$/.exec(p);
    if (m) return (Buffer.from(m[2], 'hex').copy(this.mem, parseInt(m[1], 16)), 'OK');
    m = /^P([0-9a-f]+)=([0-9a-f]{8})$/.exec(p);
    if (m) {
      const v = Buffer.from(m[2], 'hex').readUInt32LE(0);
      if (parseInt(m[1], 16) === 0x19) this.xpsr = v;
      else this.regs[parseInt(m[1], 16)] = v;
      return 'OK';
    }
    if (p === 's') return this.step();
    return '';
  }

  private step(): string {
    const pc = this.regs[15];
    if (this.idleSteps > 0 && this.idleSteps--) return 'T05thread:p01.01;';
    this.xpsrAtStep.push(this.xpsr);
    const hw1 = this.mem.readUInt16LE(pc);
    const hw2 = this.mem.readUInt16LE(pc + 2);
    const name = SYSM[hw2 & 0xff];
    const unprivileged = (this.sys.control & 1) === 1 && (this.xpsr & 0x1ff) === 0;
    if (hw1 === 0xf3ef && name) this.regs[(hw2 >> 8) & 0xf] = unprivileged && name !== 'control' ? 0 : this.sys[name];
    else if ((hw1 & 0xfff0) === 0xf380 && name) {
      if (!unprivileged) this.sys[name] = this.regs[hw1 & 0xf];
    } else throw new Error(`the model cannot run ${hw1.toString(16)} ${hw2.toString(16)}`);
    if (name === 'msp' && (this.sys.control & 2) === 0) this.regs[13] = this.sys.msp;
    this.regs[15] = this.divert ?? pc + 4;
    return 'T05thread:p01.01;';
  }
}

function rig(): { core: CoreModel; sys: SystemRegisters } {
  const core = new CoreModel();
  return { core, sys: new SystemRegisters(core as unknown as StubClient, 43, silentLogger) };
}

async function read(sys: SystemRegisters, reg: number): Promise<{ value: string; all: QueryAnswer[] }> {
  const rep = await sys.answer(`p${reg.toString(16)}`);
  assert.equal(rep.t, 'rep');
  if (rep.t !== 'rep') throw new Error('unreachable');
  return { value: rep.p[0], all: rep.pre?.q ?? [] };
}

describe('agent: system registers on a stub that does not describe them', () => {
  it('encodes MRS and MSR as the GNU assembler does', () => {
    // arm-none-eabi-as -mcpu=cortex-m33: mrs r0, msp = f3ef 8008; mrs r5, control = f3ef 8514; msr basepri, r3 = f383 8811
    assert.equal(mrs(0, 0x08), 'eff30880');
    assert.equal(mrs(5, 0x14), 'eff31485');
    assert.equal(msr(0x11, 3), '83f31188');
  });

  it("numbers them after QEMU's last register (fpscr, 42) and has target.xml include them", () => {
    const added = withSystemRegisters(qemuDocs);
    assert.ok(added);
    assert.equal(added.first, 43);
    const top = added.docs.find(([k]) => k === 'features:target.xml')?.[1] ?? '';
    assert.match(top, new RegExp(`<xi:include href="${SYSTEM_REGISTERS_DOC}"/></target>$`));
    const feature = added.docs.find(([k]) => k === `features:${SYSTEM_REGISTERS_DOC}`)?.[1] ?? '';
    const regs = [...feature.matchAll(/name="(\w+)"[^>]*regnum="(\d+)"/g)].map((m) => `${m[1]}=${m[2]}`);
    assert.deepEqual(regs, ['msp=43', 'psp=44', 'primask=45', 'basepri=46', 'faultmask=47', 'control=48']);
    assert.match(feature, /group="system"/, 'kept out of `info registers`');
  });

  it('adds nothing when the stub describes MSP already', () => {
    const withMsp: QueryAnswer[] = [
      ...qemuDocs.filter(([k]) => k !== 'features:target.xml'),
      [
        'features:target.xml',
        '<target><xi:include href="arm-m-profile.xml"/><feature name="org.gnu.gdb.arm.m-system">' +
          '<reg name="msp" bitsize="32" regnum="26"/></feature></target>',
      ],
    ];
    assert.equal(withSystemRegisters(withMsp), undefined);
  });

  it('reads all six at once and leaves code, registers and xPSR as they were', async () => {
    const { core, sys } = rig();
    core.sys = { msp: 0x20000f00, psp: 0x20000800, primask: 1, basepri: 0x40, faultmask: 0, control: 4 };
    const before = { regs: [...core.regs], xpsr: core.xpsr, mem: Buffer.from(core.mem) };
    const { value, all } = await read(sys, 45);
    assert.equal(value, wordHex(1), 'PRIMASK');
    assert.deepEqual(all, [
      ['p2b', wordHex(0x20000f00)],
      ['p2c', wordHex(0x20000800)],
      ['p2d', wordHex(1)],
      ['p2e', wordHex(0x40)],
      ['p2f', wordHex(0)],
      ['p30', wordHex(4)],
    ]);
    assert.deepEqual(core.regs, before.regs);
    assert.equal(core.xpsr, before.xpsr);
    assert.ok(core.mem.equals(before.mem), 'the code at PC is put back');
  });

  it('clears the IT bits while its instructions run (they would be conditional) and puts them back', async () => {
    const { core, sys } = rig();
    core.xpsr = 0x01000000 | 0x0000fc00;
    await read(sys, 43);
    assert.ok(core.xpsrAtStep.every((x) => (x & 0x0600fc00) === 0));
    assert.equal(core.xpsr, 0x0100fc00);
  });

  it('shows what unprivileged thread mode cannot read as unavailable, not as zero', async () => {
    const { core, sys } = rig();
    core.sys.control = 1;
    const { all } = await read(sys, 43);
    assert.deepEqual(
      all.map(([, v]) => v),
      ['xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', wordHex(1)],
    );
  });

  it('puts the core back and answers unavailable when a step does not go where it should', async () => {
    const { core, sys } = rig();
    const before = { regs: [...core.regs], mem: Buffer.from(core.mem) };
    core.divert = 0x400;
    const { value } = await read(sys, 43);
    assert.equal(value, 'xxxxxxxx');
    assert.equal(core.sent.filter((p) => p === 's').length, 1, 'no instruction runs where the core went');
    assert.deepEqual(core.regs, before.regs);
    assert.ok(core.mem.equals(before.mem));
  });

  it('steps again when the stub reported a step the core did not take', async () => {
    const { core, sys } = rig();
    core.idleSteps = 2;
    assert.equal((await read(sys, 43)).value, wordHex(0x20000f00));
    assert.equal(core.sent.filter((p) => p === 's').length, 8, 'six instructions, two steps sent again');
  });

  it('writes with MSR; a write to MSP moves SP, as on the core, and r0 and PC come back', async () => {
    const { core, sys } = rig();
    const r0 = core.regs[0];
    const rep = await sys.answer(`P2b=${wordHex(0x20000e00)}`);
    assert.deepEqual(rep, { t: 'rep', p: ['OK'] });
    assert.equal(core.sys.msp, 0x20000e00);
    assert.equal(core.regs[13], 0x20000e00, 'SP follows MSP in thread mode on the main stack');
    assert.equal(core.regs[0], r0);
    assert.equal(core.regs[15], 0x100);
    assert.equal((await read(sys, 43)).value, wordHex(0x20000e00));
  });

  it('answers a write it could not do with the reason, and leaves r0 and PC as they were', async () => {
    const { core, sys } = rig();
    const before = [...core.regs];
    core.divert = 0x400;
    const rep = await sys.answer(`P2f=${wordHex(1)}`);
    assert.equal(
      rep.t === 'rep' && rep.p[0],
      'E.could not write faultmask by running MSR on the core: the core went to 0x400 instead of 0x104',
    );
    assert.deepEqual(core.regs, before);
  });

  it('says a write in unprivileged thread mode is ignored by the core instead of answering OK', async () => {
    const { core, sys } = rig();
    core.sys.control = 1;
    const rep = await sys.answer(`P2e=${wordHex(0x40)}`);
    assert.match(rep.t === 'rep' ? rep.p[0] : '', /^E\.the core runs unprivileged/);
    assert.equal(core.sys.basepri, 0);
  });

  it('claims only p/P packets for its own numbers', () => {
    const { sys } = rig();
    assert.ok(sys.claims('p2b') && sys.claims('p30') && sys.claims('P2f=01000000'));
    assert.ok(!sys.claims('p2a') && !sys.claims('p31') && !sys.claims('pf') && !sys.claims('g'));
  });
});
