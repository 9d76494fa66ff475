// Per-device OTA states: forward only, terminal is final, cancel cannot interrupt an install.
import assert from 'node:assert/strict';
import { applyDeviceEvent, initialProgress, type DeviceProgress } from '../../../src/relay/ota/deviceState';

const t0 = new Date('2025-01-01T00:00:00Z');

function run(events: Parameters<typeof applyDeviceEvent>[1][]): DeviceProgress {
  let p = initialProgress(t0);
  for (const ev of events) p = applyDeviceEvent(p, ev, t0) ?? p;
  return p;
}

describe('relay/ota/deviceState', () => {
  it('follows a device from pending to confirmed', () => {
    const p = run([
      { type: 'dispatched' },
      { type: 'bytes', offset: 0 },
      { type: 'bytes', offset: 65536 },
      { type: 'status', state: 'verifying' },
      { type: 'status', state: 'installing' },
      { type: 'status', state: 'rebooting' },
      { type: 'status', state: 'confirming' },
      { type: 'status', state: 'confirmed' },
    ]);
    assert.equal(p.state, 'confirmed');
    assert.equal(p.bytes, 65536);
    assert.equal(p.attempts, 1);
  });

  it('never moves backwards and never leaves a terminal state', () => {
    let p = run([{ type: 'status', state: 'installing' }]);
    assert.equal(applyDeviceEvent(p, { type: 'bytes', offset: 10 }, t0), undefined);
    assert.equal(applyDeviceEvent(p, { type: 'status', state: 'verifying' }, t0), undefined);
    p = run([{ type: 'status', state: 'rolled_back', code: 'HEALTH_CHECK_FAILED', reason: 'no ready line' }]);
    assert.equal(p.reason, 'no ready line');
    assert.equal(applyDeviceEvent(p, { type: 'status', state: 'confirmed' }, t0), undefined);
  });

  it('lets a reconnecting device skip phases it went through offline', () => {
    const p = run([
      { type: 'bytes', offset: 100 },
      { type: 'status', state: 'confirmed' },
    ]);
    assert.equal(p.state, 'confirmed');
  });

  it('alternates between verifying and deferred while the device is busy', () => {
    const p = run([
      { type: 'status', state: 'verifying' },
      { type: 'status', state: 'deferred', reason: 'firmware busy' },
    ]);
    assert.equal(p.state, 'deferred');
    assert.equal(p.reason, 'firmware busy');
    assert.equal(applyDeviceEvent(p, { type: 'status', state: 'installing' }, t0)?.reason, null);
  });

  it('cancels a download but not an install', () => {
    assert.equal(
      run([
        { type: 'bytes', offset: 5 },
        { type: 'canceled', reason: 'aborted' },
      ]).state,
      'canceled',
    );
    assert.equal(
      run([
        { type: 'status', state: 'rebooting' },
        { type: 'canceled', reason: 'aborted' },
      ]).state,
      'rebooting',
    );
  });
});
