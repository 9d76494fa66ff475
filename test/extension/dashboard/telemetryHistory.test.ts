// Telemetry history: what becomes a sample, reboots from uptime going down, the 120-reading / 24 h bound, the feed.
import assert from 'node:assert/strict';
import type { DeviceInfo } from '../../../src/protocol/control';
import { FleetModel } from '../../../src/extension/fleetModel';
import { feedHistory } from '../../../src/extension/dashboard/historyFeed';
import { TelemetryHistory } from '../../../src/extension/dashboard/telemetryHistory';
import { deviceInfo } from '../../helpers/deviceInfo';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const MIN = 60_000;

const device = (name: string, over: Partial<DeviceInfo> = {}): DeviceInfo =>
  deviceInfo(name, { lastSeen: new Date(T0).toISOString(), connectedSince: new Date(T0).toISOString(), ...over });

describe('dashboard telemetry history', () => {
  it('keeps each new reading of an online device with the time it arrived', () => {
    const h = new TelemetryHistory();
    h.record(device('a', { rssi: -71, uptime: 100 }), T0);
    h.record(device('a', { rssi: -80, uptime: 400 }), T0 + 5 * MIN);
    assert.deepEqual(h.samples('a', T0 + 5 * MIN), [
      { t: T0, rssi: -71, uptime: 100, reboot: false },
      { t: T0 + 5 * MIN, rssi: -80, uptime: 400, reboot: false },
    ]);
    assert.deepEqual(h.samples('unknown', T0), []);
  });

  it('ignores the stale readings the relay repeats when a device goes offline or comes back', () => {
    const h = new TelemetryHistory();
    h.record(device('a', { rssi: -71, uptime: 100 }), T0);
    assert.equal(h.record(device('a', { online: false, rssi: -71, uptime: 100 }), T0 + MIN), undefined);
    assert.equal(h.record(device('a', { rssi: -71, uptime: 100 }), T0 + 2 * MIN), undefined, 'presence only');
    assert.equal(h.record(device('b', { rssi: null, uptime: null }), T0), undefined, 'nothing measured');
    assert.equal(h.samples('a', T0 + 2 * MIN).length, 1);
  });

  it('marks a reboot when the uptime goes down, and only then', () => {
    const h = new TelemetryHistory();
    h.record(device('a', { uptime: 3600 }), T0);
    h.record(device('a', { uptime: 3900 }), T0 + 5 * MIN);
    h.record(device('a', { uptime: 12 }), T0 + 7 * MIN);
    h.record(device('a', { uptime: 12, rssi: -90 }), T0 + 8 * MIN);
    h.record(device('a', { uptime: null, rssi: -91 }), T0 + 9 * MIN);
    h.record(device('a', { uptime: 5, rssi: -91 }), T0 + 10 * MIN);
    h.record(device('a', { uptime: 65, rssi: -91 }), T0 + 11 * MIN);
    assert.deepEqual(
      h.samples('a', T0 + 11 * MIN).map((s) => s.reboot),
      [false, false, true, false, false, true, false],
    );
  });

  it('keeps at most the last 120 readings', () => {
    const h = new TelemetryHistory();
    for (let i = 0; i < 200; i++) h.record(device('a', { uptime: i * 60 }), T0 + i * MIN);
    const kept = h.samples('a', T0 + 200 * MIN);
    assert.equal(kept.length, 120);
    assert.equal(kept[0].uptime, 80 * 60);
    assert.equal(kept[119].uptime, 199 * 60);
  });

  it('keeps at most 24 hours, and forgets a device whose readings all aged out', () => {
    const h = new TelemetryHistory({ maxSamples: 120, windowMs: 24 * 3600_000 });
    h.record(device('a', { uptime: 1 }), T0);
    h.record(device('a', { uptime: 2 * 3600 }), T0 + 2 * 3600_000);
    h.record(device('old', { uptime: 5 }), T0);
    const later = T0 + 25 * 3600_000;
    assert.deepEqual(
      h.samples('a', later).map((s) => s.uptime),
      [7200],
    );
    h.prune(later);
    assert.deepEqual(h.devices(), ['a']);
  });

  it('is fed by the fleet model: the snapshot, then every device.updated, once each', () => {
    const fleet = new FleetModel();
    fleet.reset([device('a', { rssi: -70, uptime: 10 }), device('b', { online: false })]);
    let now = T0;
    const h = new TelemetryHistory();
    const feed = feedHistory(fleet, h, () => now);
    now += MIN;
    fleet.upsert(device('a', { rssi: -75, uptime: 70 }));
    now += MIN;
    fleet.upsert(device('b', { rssi: -90, uptime: 5 }));
    now += MIN;
    fleet.upsert(device('a', { rssi: -82, uptime: 5 }));
    assert.deepEqual(
      h.samples('a', now).map((s) => [s.t - T0, s.rssi, s.reboot]),
      [
        [0, -70, false],
        [MIN, -75, false],
        [3 * MIN, -82, true],
      ],
    );
    assert.deepEqual(
      h.samples('b', now).map((s) => s.t - T0),
      [2 * MIN],
    );
    // A reconnect replaces the fleet with the relay's snapshot: unchanged readings add nothing.
    fleet.reset([]);
    fleet.reset([device('a', { rssi: -82, uptime: 5 }), device('b', { rssi: -90, uptime: 5 })]);
    assert.equal(h.samples('a', now).length, 3);
    feed.dispose();
    fleet.upsert(device('a', { rssi: -60, uptime: 500 }));
    assert.equal(h.samples('a', now).length, 3, 'nothing recorded after dispose');
  });
});
