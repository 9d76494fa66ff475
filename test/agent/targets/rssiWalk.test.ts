// The simulator's signal strength: plausible cellular values that change, never leaving the modem's range.
import assert from 'node:assert/strict';
import { RSSI_MAX_DBM, RSSI_MIN_DBM, RssiWalk } from '../../../src/agent/targets/rssiWalk';

// A seeded generator so a failure can be replayed.
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe('simulated RSSI', () => {
  it('stays within -113..-51 dBm and moves at most the step size', () => {
    for (const start of [-113, -85, -51]) {
      const walk = new RssiWalk(start, 3, seeded(start + 1000));
      let prev = start;
      for (let i = 0; i < 5000; i++) {
        const v = walk.next();
        assert.ok(v >= RSSI_MIN_DBM && v <= RSSI_MAX_DBM, `out of range: ${v}`);
        assert.ok(Math.abs(v - prev) <= 3, `jumped from ${prev} to ${v}`);
        assert.ok(Number.isInteger(v));
        prev = v;
      }
    }
  });

  it('changes over time rather than sitting still', () => {
    const walk = new RssiWalk(-85, 3, seeded(7));
    const values = new Set(Array.from({ length: 200 }, () => walk.next()));
    assert.ok(values.size > 5, `only ${values.size} distinct values`);
  });
});
