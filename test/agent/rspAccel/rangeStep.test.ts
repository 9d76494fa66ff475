// Range stepping decisions and what the agent reads from the stub's answers (pure parts of src/agent/rspAccel).
import assert from 'node:assert/strict';
import { helloState, HELLO_ANSWER, skipRepeatedHello } from '../../../src/agent/rspAccel/hello';
import { encodePacket } from '../../../src/debug/rsp/packet';
import { encodeOffer } from '../../../src/protocol/rspAccel';
import {
  asInterrupt,
  isPlainStepStop,
  nextMove,
  parseRangeStep,
  STEP_BUDGET,
  withRangeStepping,
  type StepState,
} from '../../../src/agent/rspAccel/rangeStep';
import { readAheadWindow } from '../../../src/agent/rspAccel/memoryReads';
import {
  clipToSafe,
  isSafe,
  registerWord,
  rewriteSupported,
  safeRegions,
} from '../../../src/agent/rspAccel/targetShape';

describe('agent range stepping', () => {
  const range = parseRangeStep('vCont;r10000f28,10000f2e:p1.1;c:p1.-1')!;
  const state = (over: Partial<StepState>): StepState => ({
    reply: 'T05thread:p01.01;',
    pc: 0x10000f2a,
    range,
    breakpoints: new Set(),
    interrupted: false,
    steps: 1,
    elapsedMs: 0,
    ...over,
  });

  it('turns the range action into a single step, other threads kept', () => {
    assert.deepEqual(range, {
      start: 0x10000f28,
      end: 0x10000f2e,
      step: 'vCont;s:p1.1;c:p1.-1',
      cont: 'vCont;c:p1.1;c:p1.-1',
    });
    assert.equal(parseRangeStep('vCont;s:p1.1;c:p1.-1'), undefined);
    assert.equal(parseRangeStep('vCont;r1,2;r3,4'), undefined);
  });

  it('steps on while the PC stays in [start, end) after a plain step', () => {
    assert.equal(nextMove(state({})), 'step');
    assert.equal(nextMove(state({ pc: 0x10000f2e })), 'report', 'end is outside');
    assert.equal(nextMove(state({ pc: 0x10000f26 })), 'report');
    assert.equal(nextMove(state({ pc: undefined })), 'report');
  });

  it('reports at once on anything but a plain step: a signal, a watchpoint, a breakpoint, Ctrl-C, the budget', () => {
    assert.equal(nextMove(state({ reply: 'T0bthread:p01.01;' })), 'report');
    assert.equal(nextMove(state({ reply: 'T05watch:38000100;thread:p01.01;' })), 'report');
    assert.equal(nextMove(state({ reply: 'W00' })), 'report');
    assert.equal(nextMove(state({ breakpoints: new Set([0x10000f2a]) })), 'report');
    assert.equal(nextMove(state({ interrupted: true })), 'report');
    assert.equal(nextMove(state({ steps: STEP_BUDGET })), 'report');
    assert.equal(nextMove(state({ elapsedMs: 10_000 })), 'report');
    assert.equal(isPlainStepStop('S05'), true);
    assert.equal(asInterrupt('T05thread:p01.01;'), 'T02thread:p01.01;');
  });

  it('advertises range stepping once', () => {
    assert.equal(withRangeStepping('vCont;c;C;s;S'), 'vCont;c;C;s;S;r');
    assert.equal(withRangeStepping('vCont;c;r;s'), 'vCont;c;r;s');
    assert.equal(withRangeStepping(''), '');
  });
});

describe('agent target shape', () => {
  it('reads ahead only in RAM and flash: the memory map when there is one, else Code and SRAM of an M-profile core', () => {
    const map =
      '<memory-map><memory type="flash" start="0x08000000" length="0x100000"><property name="blocksize">0x2000</property></memory>' +
      '<memory type="ram" start="0x20000000" length="0x40000"/></memory-map>';
    assert.deepEqual(safeRegions(map, true), [
      { start: 0x08000000, end: 0x08100000 },
      { start: 0x20000000, end: 0x20040000 },
    ]);
    assert.deepEqual(safeRegions(undefined, true), [{ start: 0, end: 0x40000000 }]);
    assert.deepEqual(safeRegions(undefined, false), []);
    const m = safeRegions(undefined, true);
    assert.equal(isSafe(m, 0x40000000, 4), false, 'peripherals are never read ahead');
    assert.equal(isSafe(m, 0x3ffffffc, 8), false);
    assert.deepEqual(clipToSafe(m, 0x3fffff00, 0x400), { start: 0x3fffff00, end: 0x40000000 });
    assert.equal(clipToSafe(m, 0x50200000, 4), undefined);
  });

  it('widens a read to an aligned KiB window around it', () => {
    assert.deepEqual(readAheadWindow(0x38000010, 4), { start: 0x38000000, len: 0x400 });
    assert.deepEqual(readAheadWindow(0x380003f0, 0x40), { start: 0x38000300, len: 0x400 });
  });

  it('takes SP and PC from a g reply and rewrites qSupported for GDB', () => {
    const g = '00000000'.repeat(13) + 'b8ff1f38' + '470c0010' + 'ae050010';
    assert.equal(registerWord(g, 13), 0x381fffb8);
    assert.equal(registerWord(g, 15), 0x100005ae);
    assert.equal(registerWord('E01', 0), undefined);
    assert.equal(
      rewriteSupported('PacketSize=1000;QNonStop+;qXfer:features:read+'),
      'PacketSize=1000;qXfer:features:read+;QStartNoAckMode+',
    );
  });

  it('recognises the offer only when the first bytes are exactly the negotiation packet', () => {
    assert.equal(helloState(Buffer.from('$qOutpost.accel:1#')).state, 'more');
    const hello = helloState(Buffer.from('$qOutpost.accel:1#00\0\0'));
    assert.equal(hello.state, 'hello');
    assert.equal(hello.state === 'hello' && hello.rest.length, 2);
    assert.equal(
      helloState(Buffer.from('+$qSupported:multiprocess+#c6')).state,
      'plain',
      'an old operator: GDB itself',
    );
    assert.equal(HELLO_ANSWER.toString(), '+$OK#9a');
  });
});

describe('agent negotiation', () => {
  it('takes a version-2 offer with the hello inside, and nothing that only looks like one', () => {
    const hello = { t: 'hello' as const, qSupported: 'qSupported:swbreak+', reads: [[0x10000180, 0x24] as const] };
    const offer = encodePacket(encodeOffer(hello));
    const state = helloState(Buffer.concat([offer, Buffer.from([0, 0])]));
    assert.equal(state.state, 'hello');
    assert.deepEqual(state.state === 'hello' && state.first, hello);
    assert.equal(state.state === 'hello' && state.rest.length, 2);
    assert.equal(helloState(offer.subarray(0, offer.length - 1)).state, 'more');
    assert.equal(helloState(encodePacket('qOutpost.accel:2:7b7d')).state, 'plain', 'not a hello: a byte pipe');
    assert.equal(helloState(encodePacket('qOutpost.accel:2:zz')).state, 'plain');
    assert.deepEqual(skipRepeatedHello(Buffer.concat([offer, offer, Buffer.from([0])])), {
      state: 'done',
      bytes: Buffer.from([0]),
    });
  });

  it('skips offers sent again before the first message', () => {
    const hello = Buffer.from('$qOutpost.accel:1#00');
    const message = Buffer.from([0, 0, 0, 2, 0x7b, 0x7d]);
    assert.deepEqual(skipRepeatedHello(Buffer.concat([hello, hello, message])), { state: 'done', bytes: message });
    assert.equal(skipRepeatedHello(hello.subarray(0, 5)).state, 'more');
  });
});
