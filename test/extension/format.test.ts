// Short renderings: relative ages, durations, signal grades.
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, logLine, relativeTime, signalOf } from '../../src/extension/format';

describe('format', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  const ago = (s: number): string => new Date(now - s * 1000).toISOString();

  it('says how long ago, coarsening with age', () => {
    assert.equal(relativeTime(ago(10), now), 'just now');
    assert.equal(relativeTime(ago(-30), now), 'just now');
    assert.equal(relativeTime(ago(50), now), '1 min ago');
    assert.equal(relativeTime(ago(20 * 60), now), '20 min ago');
    assert.equal(relativeTime(ago(5 * 3600), now), '5 h ago');
    assert.equal(relativeTime(ago(3 * 86400), now), '3 d ago');
    assert.equal(relativeTime(null, now), 'never');
    assert.equal(relativeTime('yesterday-ish', now), 'unknown');
  });

  it('gives durations in their two largest units', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(3600), '1 h');
    assert.equal(formatDuration(7 * 86400 + 4 * 3600 + 59), '7 d 4 h');
  });

  it('grades cellular RSSI into bars', () => {
    assert.deepEqual(signalOf(-60), { bars: 4, label: 'excellent', glyph: '▂▄▆█' });
    assert.deepEqual(signalOf(-80), { bars: 2, label: 'fair', glyph: '▂▄▁▁' });
    assert.deepEqual(signalOf(-95), { bars: 1, label: 'poor', glyph: '▂▁▁▁' });
    assert.deepEqual(signalOf(-113), { bars: 0, label: 'very weak', glyph: '▁▁▁▁' });
  });

  it('sizes bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3 * 1024 * 1024 + 200 * 1024), '3.2 MiB');
  });

  it('renders device log messages as lines of the outpost-log view', () => {
    assert.equal(
      logLine({ kind: 'line', seq: 7, time: '2025-06-01T12:00:00.000Z', level: 'warn', text: 'W: low battery' }),
      '2025-06-01T12:00:00.000Z W: low battery',
    );
    assert.equal(logLine({ kind: 'gap', from: 10, to: 19 }), '-- 10 lines dropped by the device (buffer full) --');
    assert.equal(logLine({ kind: 'live', epoch: 'e1', next: 20 }), '-- live --');
  });
});
