// The equivalence test's comparator: it must catch (and name) a wrong register, variable, memory byte or frame.
import { strict as assert } from 'node:assert';
import type { StopSnapshot } from './dapSnapshot';
import { describeDifference, firstDifference } from './snapshotDiff';

function snapshot(): StopSnapshot {
  return {
    frames: [
      { name: 'report', line: 101, column: 3, source: '/fw/src/sensor.c', pc: '0x10000e70' },
      { name: 'sensor_step', line: 127, column: 7, source: '/fw/src/sensor.c', pc: '0x10000f92' },
    ],
    registers: [
      { name: 'r3', value: '0x50200000' },
      { name: 'pc', value: '0x10000e70 <report+96>' },
    ],
    allRegisters: 'r0 0x0 0\nfpscr 0x0 0\n',
    locals: [
      [
        {
          name: 'rd',
          value: '{...}',
          type: 'struct sensor_reading',
          children: [
            { name: 'seq', value: '1', type: 'uint32_t' },
            { name: 'centi_c', value: '2297', type: 'int32_t' },
          ],
        },
      ],
      [],
    ],
    statics: [{ name: 'g_threshold', value: '2800', type: 'volatile int32_t' }],
    stack: { from: '0x381fff38', bytes: '00'.repeat(60) + 'deadbeef' + '00'.repeat(60) },
    ring: { from: '0x38000164', bytes: '01000000ed030000f9080000' },
  };
}

describe('equivalence comparator (firstDifference)', () => {
  it('finds nothing between equal snapshots', () => {
    assert.equal(firstDifference(snapshot(), snapshot()), undefined);
  });

  it('names a register whose value differs', () => {
    const b = snapshot();
    b.registers[0].value = '0x0';
    assert.deepEqual(firstDifference(snapshot(), b), {
      path: ['registers', 'r3', 'value'],
      left: '"0x50200000"',
      right: '"0x0"',
    });
  });

  it('names a struct field inside a frame’s locals', () => {
    const b = snapshot();
    b.locals[0][0].children![1].value = '2298';
    const d = firstDifference(snapshot(), b);
    assert.ok(d);
    assert.equal(
      describeDifference('step 4 (next)', d, ['direct', 'tunnel']),
      'at step 4 (next): locals › [0] › rd › children › centi_c › value: direct="2297" tunnel="2298"',
    );
  });

  it('points at the first differing byte of a memory dump', () => {
    const b = snapshot();
    b.stack.bytes = b.stack.bytes.replace('deadbeef', 'deadbe00');
    assert.deepEqual(firstDifference(snapshot(), b), {
      path: ['stack', 'bytes', 'byte +63'],
      left: 'ef00000000000000',
      right: '0000000000000000',
    });
  });

  it('reports a frame one side lacks', () => {
    const b = snapshot();
    b.frames.pop();
    const d = firstDifference(snapshot(), b);
    assert.deepEqual(d?.path, ['frames', 'sensor_step']);
    assert.equal(d?.right, '(missing)');
  });

  it('reports the first difference in order, not a later one', () => {
    const b = snapshot();
    b.frames[0].line = 102;
    b.ring.bytes = '00';
    assert.deepEqual(firstDifference(snapshot(), b)?.path, ['frames', 'report', 'line']);
  });
});
