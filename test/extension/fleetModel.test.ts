// The Fleet view's rows: grouping by tag, order, what each row says, and live updates from relay events.
import assert from 'node:assert/strict';
import type { DeviceInfo } from '../../src/protocol/control';
import { FleetModel, UNTAGGED } from '../../src/extension/fleetModel';
import { deviceInfo } from '../helpers/deviceInfo';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

const device = (name: string, over: Partial<DeviceInfo> = {}): DeviceInfo =>
  deviceInfo(name, { board: 'b_u585i_iot02a', uptime: 7500, lastSeen: ago(5), connectedSince: ago(7500), ...over });

describe('fleet model', () => {
  it('groups by tag, lists a device under each of its tags and puts untagged devices last', () => {
    const fleet = new FleetModel();
    fleet.reset([
      device('tracker-10', { tags: { region: 'eu', ring: 'beta' } }),
      device('tracker-2', { tags: { region: 'eu' } }),
      device('bench-1'),
      device('tracker-3', { tags: { region: 'us' }, online: false }),
    ]);
    const groups = fleet.groups(NOW);
    assert.deepEqual(
      groups.map((g) => [g.label, g.description, g.devices.map((d) => d.name)]),
      [
        ['region=eu', '2/2 online', ['tracker-2', 'tracker-10']],
        ['region=us', '0/1 online', ['tracker-3']],
        ['ring=beta', '1/1 online', ['tracker-10']],
        [UNTAGGED, '1/1 online', ['bench-1']],
      ],
    );
    const ids = groups.flatMap((g) => g.devices.map((d) => d.id));
    assert.equal(new Set(ids).size, ids.length, 'tree ids are unique even for a device shown twice');
  });

  it('describes an online device by firmware, signal bars with dBm and last seen', () => {
    const fleet = new FleetModel();
    fleet.reset([device('tracker-1', { rssi: -71, lastSeen: ago(300) })]);
    const row = fleet.groups(NOW)[0].devices[0];
    assert.equal(row.description, '1.4.2 · ▂▄▆▁ -71 dBm · seen 5 min ago');
    assert.equal(row.icon.id, 'circle-filled');
    assert.equal(row.contextValue, 'outpost.device.online');
  });

  it('marks an offline device, without a stale signal, and says when it was last seen', () => {
    const fleet = new FleetModel();
    fleet.reset([device('tracker-1', { online: false, lastSeen: ago(3 * 3600), connectedSince: null })]);
    const row = fleet.groups(NOW)[0].devices[0];
    assert.equal(row.description, 'offline · 1.4.2 · seen 3 h ago');
    assert.equal(row.icon.id, 'circle-outline');
    assert.equal(row.contextValue, 'outpost.device.offline');
  });

  it('says "never seen" for a registered device that never connected', () => {
    const fleet = new FleetModel();
    fleet.reset([
      device('new-1', { online: false, firmwareVersion: null, rssi: null, lastSeen: null, connectedSince: null }),
    ]);
    assert.equal(fleet.groups(NOW)[0].devices[0].description, 'offline · never seen');
  });

  it('puts every telemetry field in the tooltip, escaping markdown from device names and tags', () => {
    const fleet = new FleetModel();
    fleet.reset([device('lab_*rack*', { tags: { site: 'a|b' } })]);
    const tip = fleet.groups(NOW)[0].devices[0].tooltip;
    assert.match(tip, /^\*\*lab\\_\\\*rack\\\*\*\*/);
    assert.match(tip, /\| Firmware \| 1\\\.4\\\.2 \|/);
    assert.match(tip, /\| Build id \| `9f2c1e7a` \|/);
    assert.match(tip, /\| Signal \| ▂▄▆▁ -71 dBm \(good\) \|/);
    assert.match(tip, /\| Uptime \| 2 h 5 min \|/);
    assert.match(tip, /\| Tags \| site=a\\\|b \|/);
    assert.match(tip, /\| Public key \| `kR3x8mVbQ2uY7nD5tP1zL6wH9jF4cA0eS2gB8vN3qXo` \|/);
  });

  it('follows device.updated and device.removed, notifying listeners each time', () => {
    const fleet = new FleetModel();
    let changes = 0;
    const sub = fleet.onDidChange(() => changes++);
    fleet.reset([device('a'), device('b')]);
    fleet.upsert(device('a', { online: false }));
    fleet.upsert(device('c'));
    fleet.remove('b');
    fleet.remove('not-there');
    assert.equal(changes, 4);
    assert.deepEqual(fleet.counts(), { online: 1, total: 2 });
    assert.deepEqual(
      fleet.all().map((d) => [d.name, d.online]),
      [
        ['a', false],
        ['c', true],
      ],
    );
    sub.dispose();
    fleet.remove('a');
    assert.equal(changes, 4);
  });
});
