// The arguments the link wrapper gives scripts/netem.sh: what a test asks for is what the script is told.
import assert from 'node:assert/strict';
import { netemArgs, shapeArgs, uniqueLinkName } from './netem';

describe('emulated link arguments', () => {
  it('turns a shape into netem.sh options with units', () => {
    assert.deepEqual(shapeArgs({ delayMs: 75, jitterMs: 10, lossPercent: 0.5, rateKbit: 5000, limitPackets: 500 }), [
      '--delay',
      '75ms',
      '--jitter',
      '10ms',
      '--loss',
      '0.5%',
      '--rate',
      '5000kbit',
      '--limit',
      '500',
    ]);
  });

  it('leaves out what is not set, so `set` keeps the rest of the link as it was', () => {
    assert.deepEqual(shapeArgs({ lossPercent: 100 }), ['--loss', '100%']);
    assert.deepEqual(shapeArgs({}), []);
  });

  it('clears the rate with 0 and keeps fractions short', () => {
    assert.deepEqual(shapeArgs({ rateKbit: 0 }), ['--rate', 'none']);
    assert.deepEqual(shapeArgs({ delayMs: 1 / 3 }), ['--delay', '0.333ms']);
  });

  it('refuses values the script would reject', () => {
    assert.throws(() => shapeArgs({ lossPercent: 101 }), RangeError);
    assert.throws(() => shapeArgs({ delayMs: -1 }), RangeError);
    assert.throws(() => shapeArgs({ delayMs: Number.NaN }), RangeError);
    assert.throws(() => shapeArgs({ limitPackets: 0 }), RangeError);
    assert.throws(() => shapeArgs({ limitPackets: 1.5 }), RangeError);
  });

  it('builds whole commands: shape only for up/set, a mode for cut', () => {
    assert.deepEqual(netemArgs('up', 'op-1', { shape: { delayMs: 75 } }), ['up', 'op-1', '--delay', '75ms']);
    assert.deepEqual(netemArgs('set', 'op-1', { shape: { rateKbit: 2000 } }), ['set', 'op-1', '--rate', '2000kbit']);
    assert.deepEqual(netemArgs('cut', 'op-1'), ['cut', 'op-1', '--mode', 'loss']);
    assert.deepEqual(netemArgs('cut', 'op-1', { mode: 'down' }), ['cut', 'op-1', '--mode', 'down']);
    assert.deepEqual(netemArgs('restore', 'op-1', { shape: { delayMs: 5 } }), ['restore', 'op-1']);
    assert.deepEqual(netemArgs('down', 'op-1'), ['down', 'op-1']);
  });

  it('refuses link names that would not make namespace names', () => {
    for (const bad of ['', 'Op', 'a b', '-x', 'a/b', 'x'.repeat(31)])
      assert.throws(() => netemArgs('up', bad), RangeError, bad);
  });

  it('gives every link its own valid name', () => {
    const names = new Set(Array.from({ length: 200 }, () => uniqueLinkName('nt')));
    assert.equal(names.size, 200);
    for (const n of names) assert.match(n, /^nt-[a-z0-9]+-[0-9a-f]{6}$/);
    assert.ok([...names].every((n) => n.length <= 30));
    assert.throws(() => uniqueLinkName('Bad Prefix'), RangeError);
  });
});
