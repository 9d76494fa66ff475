// Rollout planning: targets by names and tags, waves by percentage.
import assert from 'node:assert/strict';
import { planWaves, resolveTargets, type FleetDevice } from '../../../src/relay/ota/rolloutPlanner';

const fleet: FleetDevice[] = [
  { name: 'pump-1', tags: { site: 'lab', hw: 'b' }, online: true },
  { name: 'pump-2', tags: { site: 'lab', hw: 'a' }, online: false },
  { name: 'pump-3', tags: { site: 'field' }, online: true },
  { name: 'gate-1', tags: { site: 'field', hw: 'b' }, online: false },
];

function names(res: ReturnType<typeof resolveTargets>): string[] {
  assert.ok(res.ok, res.ok ? '' : res.message);
  return res.value.map((d) => d.name).sort();
}

describe('relay/ota/rolloutPlanner', () => {
  it('targets named devices and devices with any of the tags', () => {
    assert.deepEqual(names(resolveTargets(fleet, { devices: ['gate-1'], tags: [] })), ['gate-1']);
    assert.deepEqual(names(resolveTargets(fleet, { devices: [], tags: [{ site: 'lab' }] })), ['pump-1', 'pump-2']);
    assert.deepEqual(names(resolveTargets(fleet, { devices: ['pump-3'], tags: [{ hw: 'b' }] })), [
      'gate-1',
      'pump-1',
      'pump-3',
    ]);
    assert.deepEqual(names(resolveTargets(fleet, { devices: [], tags: [{ site: 'field', hw: 'b' }] })), ['gate-1']);
  });

  it('refuses unknown names and selections that match nothing', () => {
    const unknown = resolveTargets(fleet, { devices: ['nope'], tags: [] });
    assert.equal(unknown.ok ? 'ok' : unknown.code, 'UNKNOWN_DEVICE');
    const none = resolveTargets(fleet, { devices: [], tags: [{ site: 'moon' }] });
    assert.equal(none.ok ? 'ok' : none.code, 'NO_TARGETS');
    assert.match(none.ok ? '' : none.message, /site=moon/);
  });

  it('puts 34 % in the first wave, online devices first, and the rest in the second', () => {
    const res = planWaves(fleet, 34);
    assert.ok(res.ok);
    assert.deepEqual(res.value, [
      ['pump-1', 'pump-3'],
      ['gate-1', 'pump-2'],
    ]);
  });

  it('makes one wave without a percentage, at 100 %, or when the first wave would hold everyone', () => {
    for (const pct of [undefined, 100, 99]) {
      const res = planWaves(fleet.slice(0, 2), pct);
      assert.ok(res.ok);
      assert.equal(res.value.length, 1);
    }
    const one = planWaves(fleet, 1);
    assert.ok(one.ok);
    assert.deepEqual(
      one.value.map((w) => w.length),
      [1, 3],
    );
  });

  it('refuses a percentage outside 1..100', () => {
    for (const pct of [0, 101, 12.5]) assert.equal(planWaves(fleet, pct).ok, false);
  });
});
