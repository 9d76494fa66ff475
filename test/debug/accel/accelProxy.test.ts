// The operator side of the accelerator against a scripted agent: what GDB gets answered locally, what reaches the
// device, and when the cache is dropped.
import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/common/log';
import { AccelCache } from '../../../src/debug/accel/accelCache';
import { AccelProxy } from '../../../src/debug/accel/accelProxy';
import { classifyPacket } from '../../../src/debug/accel/packetClass';
import { encodePacket, RspParser } from '../../../src/debug/rsp/packet';
import type { AccelMessage } from '../../../src/protocol/rspAccel';
import type { StepHint } from '../../../src/debug/stub/stubConnector';
import { StepPieces } from '../../../src/debug/accel/stepPieces';

const SUPPORTED = 'qSupported:multiprocess+;swbreak+';
const G = '11'.repeat(4 * 26);

function rig(
  hint: StepHint = 'none',
  hello: 'in-offer' | 'due' = 'due',
  extra: { bpSure?: true } = {},
  pieces?: StepPieces,
) {
  const toAgent: AccelMessage[] = [];
  const gdbGot: string[] = [];
  const parser = new RspParser();
  const proxy = new AccelProxy(
    {
      toGdb: (d) => {
        for (const e of parser.push(d)) gdbGot.push(e.type === 'packet' ? e.payload : e.type);
      },
      toAgent: (m) => toAgent.push(m),
    },
    silentLogger,
    () => hint,
    hello,
    pieces,
  );
  const gdb = (...payloads: string[]): void => proxy.fromGdb(Buffer.concat(payloads.map(encodePacket)));
  const connect = (): void => {
    gdb(SUPPORTED);
    proxy.fromAgent({
      t: 'bundle',
      q: [
        [SUPPORTED, 'PacketSize=1000;qXfer:features:read+;QStartNoAckMode+'],
        ['vCont?', 'vCont;c;C;s;S;r'],
      ],
      docs: [['features:target.xml', '<target>' + 'x'.repeat(100) + '</target>']],
      pre: {
        q: [
          ['g', G],
          ['qfThreadInfo', 'mp01.01'],
          ['qsThreadInfo', 'l'],
          ['?', 'T05thread:p01.01;'],
        ],
        mem: [[0x381fff40, 'ab'.repeat(0x80)]],
      },
      ...extra,
    });
  };
  return { proxy, toAgent, gdbGot, gdb, connect };
}

describe('accelerated RSP, operator side', () => {
  it('passes GDB’s qSupported in hello and answers the connect sequence from the bundle', () => {
    const r = rig();
    r.connect();
    assert.deepEqual(r.toAgent, [{ t: 'hello', qSupported: SUPPORTED }]);
    r.gdb('QStartNoAckMode', 'Hgp0.0', '!', 'vCont?', 'qXfer:features:read:target.xml:0,20', '?', 'qfThreadInfo');
    r.gdb('qsThreadInfo', 'Hgp1.1', 'g', 'm381fff80,40');
    assert.equal(r.toAgent.length, 1, 'nothing more reached the device');
    const packets = r.gdbGot.filter((p) => p !== 'ack');
    assert.deepEqual(packets.slice(0, 5), [
      'PacketSize=1000;qXfer:features:read+;QStartNoAckMode+',
      'OK',
      'OK',
      'OK',
      'vCont;c;C;s;S;r',
    ]);
    assert.equal(packets[5], 'm<target>xxxxxxxxxxxxxxxxxxxxxxxx');
    assert.deepEqual(packets.slice(6, 10), ['T05thread:p01.01;', 'mp01.01', 'l', 'OK']);
    assert.equal(packets[10], G);
    assert.equal(packets[11], 'ab'.repeat(0x40));
  });

  it('sends no hello when the offer carried it, and answers GDB from the bundle that follows', () => {
    const r = rig('none', 'in-offer');
    r.connect();
    assert.deepEqual(r.toAgent, [], 'the qSupported went in the offer');
    r.gdb('vCont?', 'g');
    assert.deepEqual(r.toAgent, []);
    assert.deepEqual(
      r.gdbGot.filter((p) => p !== 'ack'),
      ['PacketSize=1000;qXfer:features:read+;QStartNoAckMode+', 'vCont;c;C;s;S;r', G],
    );
  });

  it("tags a range step with the session's `next`, and nothing else", () => {
    const next = rig('next');
    next.connect();
    next.gdb('vCont;r10000dd8,10000de6:p1.1;c:p1.-1');
    assert.deepEqual(next.toAgent.at(-1), {
      t: 'req',
      p: 'vCont;r10000dd8,10000de6:p1.1;c:p1.-1',
      ctx: {},
      calls: 'over',
    });
    next.proxy.fromAgent({ t: 'rep', p: ['T05thread:p01.01;'] });
    next.gdb('vCont;s:p1.1;c:p1.-1');
    assert.deepEqual(next.toAgent.at(-1), { t: 'req', p: 'vCont;s:p1.1;c:p1.-1', ctx: {} }, 'a plain step: no tag');
    const step = rig('none');
    step.connect();
    step.gdb('vCont;r10000dd8,10000de6:p1.1;c:p1.-1');
    assert.deepEqual(step.toAgent.at(-1), { t: 'req', p: 'vCont;r10000dd8,10000de6:p1.1;c:p1.-1', ctx: {} });
  });

  it('pipelines Z0/z0 only at a stub the agent vouched for, and keeps the agent’s answers to them from GDB', () => {
    const sure = rig('next', 'due', { bpSure: true });
    sure.connect();
    sure.gdb('QStartNoAckMode', 'z0,10000e36,2', 'vCont;s:p1.1');
    const early = { t: 'req', p: 'z0,10000e36,2', ctx: {}, early: true };
    assert.deepEqual(sure.toAgent.slice(1), [early, { t: 'req', p: 'vCont;s:p1.1', ctx: {} }], 'the step went at once');
    assert.deepEqual(sure.gdbGot.slice(-1), ['OK'], 'GDB had its OK without a round trip');
    sure.proxy.fromAgent({ t: 'rep', p: ['OK'] });
    assert.deepEqual(sure.gdbGot.slice(-1), ['OK'], "the early rep is not GDB's stop reply");
    sure.proxy.fromAgent({ t: 'rep', p: ['T05thread:p01.01;'] });
    assert.deepEqual(sure.gdbGot.slice(-1), ['T05thread:p01.01;']);
    sure.gdb('Z1,10000e36,2');
    assert.equal(sure.gdbGot.at(-1), 'T05thread:p01.01;', 'a hardware breakpoint still waits for the stub');
    const plain = rig('next');
    plain.connect();
    plain.gdb('z0,10000e36,2', 'vCont;s:p1.1');
    assert.deepEqual(plain.toAgent.at(-1), { t: 'req', p: 'z0,10000e36,2', ctx: {} }, 'no bpSure: Z/z wait');
  });

  it('sends the pieces of the line table GDB would step through next with a `next` range step', () => {
    const pieces = new StepPieces([
      [
        { address: 0x100, file: 'u:1', line: 9, isStmt: true, end: false },
        { address: 0x104, file: 'u:1', line: 9, isStmt: false, end: false },
        { address: 0x108, file: 'u:1', line: 12, isStmt: false, end: false },
        { address: 0x10c, file: 'u:1', line: 10, isStmt: true, end: false },
        { address: 0x110, file: 'u:1', line: 0, isStmt: false, end: true },
      ],
    ]);
    const next = rig('next', 'due', {}, pieces);
    next.connect();
    next.gdb('vCont;r100,104:p1.1;c:p1.-1');
    assert.deepEqual(next.toAgent.at(-1), {
      t: 'req',
      p: 'vCont;r100,104:p1.1;c:p1.-1',
      ctx: {},
      calls: 'over',
      more: [
        [0x104, 0x108],
        [0x108, 0x10c],
      ],
    });
    const step = rig('none', 'due', {}, pieces);
    step.connect();
    step.gdb('vCont;r100,104:p1.1;c:p1.-1');
    assert.deepEqual(step.toAgent.at(-1), { t: 'req', p: 'vCont;r100,104:p1.1;c:p1.-1', ctx: {} }, 'step: GDB decides');
  });

  it('stops acknowledging after QStartNoAckMode', () => {
    const r = rig();
    r.connect();
    r.gdb('QStartNoAckMode');
    const acks = r.gdbGot.filter((p) => p === 'ack').length;
    r.gdb('g', '?');
    assert.equal(r.gdbGot.filter((p) => p === 'ack').length, acks);
  });

  it('drops registers, memory and threads before a resume or a write reaches the device', () => {
    for (const change of [
      'vCont;s:p1.1',
      'M38000000,1:00',
      'P0=00000000',
      'qRcmd,7265736574',
      'vFlashDone',
      'Qsomething',
    ]) {
      const r = rig();
      r.connect();
      r.gdb(change);
      assert.deepEqual(r.toAgent.at(-1), { t: 'req', p: change, ctx: {} });
      r.proxy.fromAgent({ t: 'rep', p: ['OK'] });
      r.gdb('g');
      assert.deepEqual(r.toAgent.at(-1), { t: 'req', p: 'g', ctx: {} }, `g after ${change} must go to the device`);
    }
  });

  it('forwards Ctrl-C only while a resume is outstanding, and takes the prefetch that comes with the stop', () => {
    const r = rig();
    r.connect();
    r.proxy.fromGdb(Buffer.from([0x03]));
    assert.equal(r.toAgent.filter((m) => m.t === 'int').length, 0, 'a halted target has nothing to interrupt');
    r.gdb('vCont;c:p1.-1');
    r.proxy.fromGdb(Buffer.from([0x03]));
    assert.deepEqual(r.toAgent.at(-1), { t: 'int' });
    r.proxy.fromAgent({ t: 'rep', p: ['T02thread:p01.01;'], pre: { q: [['g', '22'.repeat(104)]], mem: [] } });
    r.gdb('g');
    assert.equal(r.gdbGot.at(-1), '22'.repeat(104));
  });

  it('keeps registers when only a breakpoint changes, but drops the memory under a software breakpoint', () => {
    const r = rig();
    r.connect();
    r.gdb('Z0,381fff80,2');
    r.proxy.fromAgent({ t: 'rep', p: ['OK'] });
    const sent = r.toAgent.length;
    r.gdb('g');
    assert.equal(r.toAgent.length, sent, 'registers still cached');
    r.gdb('m381fff80,4');
    assert.deepEqual(r.toAgent.at(-1), { t: 'req', p: 'm381fff80,4', ctx: {} });
  });

  it('a thread it does not know goes to the device, with the selection then applied', () => {
    const r = rig();
    r.connect();
    r.gdb('Hgp1.2');
    assert.deepEqual(r.toAgent.at(-1), { t: 'req', p: 'Hgp1.2', ctx: {} });
    r.proxy.fromAgent({ t: 'rep', p: ['E22'] });
    assert.equal(r.gdbGot.at(-1), 'E22');
  });
});

describe('accelerator cache rules', () => {
  it('classifies only pure reads as answerable; unknown packets change the target', () => {
    assert.equal(classifyPacket('m10000000,4'), 'read');
    assert.equal(classifyPacket('g'), 'read');
    assert.equal(classifyPacket('qXfer:features:read:target.xml:0,ffb'), 'setup');
    assert.equal(classifyPacket('X10000000,0:'), 'change');
    assert.equal(classifyPacket('qRcmd,68616c74'), 'change');
    assert.equal(classifyPacket('vFlashWrite:0:'), 'change');
    assert.equal(classifyPacket('qSomethingNew'), 'change');
    assert.equal(classifyPacket('z0,10000f28,2'), 'breakpoint');
    assert.equal(classifyPacket('D;1'), 'end');
  });

  it('serves memory only when the whole range is covered, across blocks', () => {
    const cache = new AccelCache();
    cache.absorb(
      {
        q: [],
        mem: [
          [0x100, '0011'],
          [0x102, '2233'],
        ],
      },
      undefined,
    );
    assert.equal(cache.answer('m101,3', undefined), '112233');
    assert.equal(cache.answer('m101,4', undefined), undefined);
    cache.invalidate();
    assert.equal(cache.answer('m100,1', undefined), undefined);
  });

  it('serves g only for the thread it was read for when several threads exist', () => {
    const cache = new AccelCache();
    cache.absorb(
      {
        q: [
          ['qfThreadInfo', 'mp01.01,p01.02'],
          ['qsThreadInfo', 'l'],
          ['g', G],
        ],
        mem: [],
      },
      'p1.1',
    );
    assert.equal(cache.answer('g', 'p1.1'), G);
    assert.equal(cache.answer('g', 'p1.2'), undefined);
  });
});
