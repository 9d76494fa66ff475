// Unit tests of the plain-text table and relative times used by human-readable listings.
import assert from 'node:assert/strict';
import { devicesTable } from '../../src/cli/commands/devices';
import { ago, renderTable } from '../../src/cli/table';

describe('CLI tables', () => {
  it('aligns columns and shows empty cells as -', () => {
    assert.equal(
      renderTable(
        ['NAME', 'RSSI', 'TAGS'],
        [
          ['pump-1', -71, 'a=1'],
          ['x', null, ''],
        ],
      ),
      'NAME    RSSI  TAGS\npump-1  -71   a=1\nx       -     -\n',
    );
  });

  it('says how long ago in the largest sensible unit', () => {
    const now = new Date('2030-01-01T12:00:00Z');
    assert.equal(ago(null, now), 'never');
    assert.equal(ago('2030-01-01T11:59:30Z', now), '30s ago');
    assert.equal(ago('2030-01-01T11:00:00Z', now), '60m ago');
    assert.equal(ago('2029-12-30T12:00:00Z', now), '2d ago');
  });

  it('lists devices with status, telemetry and tags', () => {
    const text = devicesTable([
      {
        name: 'pump-1',
        publicKey: 'k',
        online: true,
        firmwareVersion: '1.2.0',
        buildId: 'abcdef0123456789',
        board: 'u5',
        rssi: -71,
        uptime: 3725,
        lastSeen: null,
        tags: { site: 'lab' },
        connectedSince: null,
      },
    ]);
    assert.match(text, /^NAME +STATUS +FIRMWARE +BUILD +RSSI +UPTIME +LAST SEEN +TAGS\n/);
    assert.match(text, /pump-1 +online +1\.2\.0 +abcdef012345 +-71 dBm +1h2m +now +site=lab\n$/);
    assert.match(devicesTable([]), /no devices yet/);
  });
});
