// The extension's relay connection against a real relay on real sockets: the fleet tree follows devices live.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdentityFile } from '../../src/common/identityFile';
import { connectOperator } from '../../src/link/operatorClient';
import { startRelay } from '../../src/relay';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { generateIdentity } from '../../src/protocol/identity';
import { DeploymentsModel } from '../../src/extension/deploymentsModel';
import { FleetModel } from '../../src/extension/fleetModel';
import { operatorConnector } from '../../src/extension/operatorLink';
import { ConnectFailed, RelayConnection, type ConnectionState } from '../../src/extension/relayConnection';
import { statusView } from '../../src/extension/statusModel';
import { silentLogger } from '../../src/common/log';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';

// Resolves when `fleet` satisfies `check` (it changes only on relay events), or fails after a while.
function until(fleet: FleetModel, check: () => boolean, what: string): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, 10_000);
    const sub = fleet.onDidChange(() => {
      if (!check()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

describe('extension relay connection (real relay)', () => {
  let fx: RelayFixture;
  let fleet: FleetModel;
  let conn: RelayConnection;
  const devices: Connection[] = [];

  before(async () => (fx = await startRelayFixture()));
  beforeEach(() => {
    fleet = new FleetModel();
    conn = new RelayConnection(operatorConnector(silentLogger), fleet, new DeploymentsModel());
  });
  afterEach(() => {
    conn.dispose();
    for (const d of devices.splice(0)) d.close();
  });
  after(async () => fx.close());

  it('lists the fleet, then shows a device coming online with its telemetry and going away', async () => {
    const deviceKey = await fx.addDevice('tracker-07');
    await fx.admin.request('devices.add', {
      name: 'bench-1',
      publicKey: generateIdentity().publicKeyText,
      tags: { site: 'lab' },
    });
    const me = await fx.addOperator('ana', 'debugger');
    await conn.connect(fx.url, me);

    const state = conn.state as Extract<ConnectionState, { kind: 'connected' }>;
    assert.equal(state.kind, 'connected');
    assert.equal(state.operator, 'ana');
    assert.equal(state.role, 'debugger');
    assert.deepEqual(fleet.counts(), { online: 0, total: 2 });
    assert.match(statusView(conn.state, fleet.counts()).text, /· 0\/2 online$/);

    const device = await connect(fx.url, deviceKey);
    devices.push(device);
    device.sendEvent('telemetry', { firmwareVersion: '1.4.2', uptime: 42, rssi: -77 });
    await until(fleet, () => fleet.get('tracker-07')?.firmwareVersion === '1.4.2', 'telemetry');
    const row = fleet.groups(Date.now()).find((g) => g.label === 'untagged')!.devices[0];
    assert.equal(row.name, 'tracker-07');
    assert.match(row.description, /^1\.4\.2 · ▂▄▁▁ -77 dBm · seen just now$/);
    assert.deepEqual(fleet.counts(), { online: 1, total: 2 });

    device.close();
    await until(fleet, () => fleet.get('tracker-07')?.online === false, 'the device going offline');

    await fx.admin.request('devices.remove', { name: 'bench-1' });
    await until(fleet, () => fleet.get('bench-1') === undefined, 'device.removed');
    assert.deepEqual(
      fleet.groups(Date.now()).map((g) => g.label),
      ['untagged'],
    );
  });

  it('tells the user which key to register when the relay does not know the identity', async () => {
    const stranger = generateIdentity();
    await assert.rejects(conn.connect(fx.url, stranger), (err: unknown) => {
      assert.ok(err instanceof ConnectFailed);
      assert.equal(err.problem.kind, 'identity');
      assert.match(err.message, new RegExp(`--pubkey ${stranger.publicKeyText}`));
      return true;
    });
  });

  it('says the relay is unreachable when nothing listens', async () => {
    const me = await fx.addOperator('bo', 'viewer');
    await assert.rejects(conn.connect('ws://127.0.0.1:9', me), (err: unknown) => {
      assert.ok(err instanceof ConnectFailed);
      assert.equal(err.problem.kind, 'unreachable');
      return true;
    });
    assert.equal(conn.state.kind, 'failed');
  });

  it('reconnects by itself when the relay restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-ext-relay-'));
    let relay = await startRelay({ listen: '127.0.0.1:0', dataDir: dir, log: silentLogger });
    try {
      const admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKeyFile) });
      const me = generateIdentity();
      await admin.request('operators.add', { name: 'cy', publicKey: me.publicKeyText, role: 'viewer' });
      admin.close();
      await conn.connect(relay.url, me);
      const states: string[] = [];
      const reconnected = new Promise<void>((resolve) => {
        conn.onDidChangeState((s) => {
          states.push(s.kind);
          if (s.kind === 'connected') resolve();
        });
      });
      const port = new URL(relay.url).port;
      await relay.close();
      relay = await startRelay({ listen: `127.0.0.1:${port}`, dataDir: dir, log: silentLogger });
      await reconnected;
      assert.equal(states[0], 'reconnecting');
      assert.equal(conn.state.kind, 'connected');
    } finally {
      conn.dispose();
      await relay.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refreshes a fleet too big for one control frame, page by page', async () => {
    // A DeviceInfo is a few hundred bytes: 150 devices are several frames' worth.
    const names = Array.from({ length: 150 }, (_, i) => `fleet-${String(i).padStart(3, '0')}`);
    for (const name of names) {
      await fx.admin.request('devices.add', { name, publicKey: generateIdentity().publicKeyText });
    }
    await conn.connect(fx.url, await fx.addOperator('big-fleet-viewer', 'viewer'));
    await until(fleet, () => names.every((n) => fleet.get(n)), 'the subscribed fleet');
    // Refresh lists the fleet again with devices.list, which answers FRAME_TOO_LARGE for the whole of it.
    await conn.refresh();
    assert.equal(names.filter((n) => fleet.get(n)).length, names.length);
  });
});
