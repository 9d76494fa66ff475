// Telemetry change filter: full report on connect, firmware changes at once, RSSI only when it moved and rarely.
import assert from 'node:assert/strict';
import { TelemetryTracker } from '../../src/agent/telemetry';

const fw = { version: '1.0.0', buildId: 'abc', board: 'mps2-an505' };

describe('TelemetryTracker', () => {
  it('reports everything known on connect', () => {
    const t = new TelemetryTracker();
    assert.deepEqual(t.full({ firmware: fw, rssi: -70.4, uptimeSec: 12.9 }, 0), {
      uptime: 12,
      firmwareVersion: '1.0.0',
      buildId: 'abc',
      board: 'mps2-an505',
      rssi: -70,
    });
    assert.deepEqual(t.full({ firmware: {}, uptimeSec: 1 }, 0), { uptime: 1 });
  });

  it('stays silent while only uptime and small RSSI moves happen', () => {
    const t = new TelemetryTracker({ rssiStepDb: 6, rssiMinIntervalMs: 1000 });
    t.full({ firmware: fw, rssi: -70, uptimeSec: 1 }, 0);
    assert.equal(t.changes({ firmware: fw, rssi: -74, uptimeSec: 500 }, 5000), undefined);
  });

  it('sends a firmware change at once, with only what changed', () => {
    const t = new TelemetryTracker();
    t.full({ firmware: fw, rssi: -70, uptimeSec: 1 }, 0);
    assert.deepEqual(
      t.changes({ firmware: { ...fw, version: '1.1.0', buildId: 'def' }, rssi: -71, uptimeSec: 30 }, 1),
      {
        uptime: 30,
        firmwareVersion: '1.1.0',
        buildId: 'def',
      },
    );
    assert.equal(t.changes({ firmware: { ...fw, version: '1.1.0', buildId: 'def' }, uptimeSec: 31 }, 2), undefined);
  });

  it('rate-limits RSSI-only updates', () => {
    const t = new TelemetryTracker({ rssiStepDb: 6, rssiMinIntervalMs: 60_000 });
    t.full({ firmware: fw, rssi: -70, uptimeSec: 0 }, 0);
    assert.equal(t.changes({ firmware: fw, rssi: -90, uptimeSec: 10 }, 10_000), undefined, 'too soon');
    assert.deepEqual(t.changes({ firmware: fw, rssi: -90, uptimeSec: 61 }, 61_000), { uptime: 61, rssi: -90 });
    assert.equal(
      t.changes({ firmware: fw, rssi: -92, uptimeSec: 200 }, 200_000),
      undefined,
      'compared with what was sent',
    );
  });

  it('sends a reboot at once: the uptime started over', () => {
    const t = new TelemetryTracker();
    t.full({ firmware: fw, rssi: -70, uptimeSec: 100 }, 100_000);
    assert.equal(t.changes({ firmware: fw, rssi: -70, uptimeSec: 105 }, 105_000), undefined);
    assert.deepEqual(t.changes({ firmware: fw, rssi: -70, uptimeSec: 2 }, 106_000), { uptime: 2 });
    assert.equal(t.changes({ firmware: fw, rssi: -70, uptimeSec: 7 }, 111_000), undefined, 'once per reboot');
  });

  it('notices a reboot even when the new uptime already passed the one last sent', () => {
    const t = new TelemetryTracker();
    t.full({ firmware: fw, uptimeSec: 3 }, 3_000);
    // Booted again at t=1000 s; looked at 10 s later: uptime 10 > 3, but the boot time moved.
    assert.deepEqual(t.changes({ firmware: fw, uptimeSec: 10 }, 1_010_000), { uptime: 10 });
  });
});
