// A relay that lies about a device's key (its registry edited, as a compromised relay would answer devices.get):
// the operator refuses with one line before anything reaches the device; `outpost devices forget` lets a
// re-enrolled key in. Real relay process, real sockets, real CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { keyChangedMessage, memoryPinStore } from '../../src/common/knownDevices';
import { knownDevicesFile } from '../../src/common/knownDevicesFile';
import { readIdentityFile } from '../../src/common/identityFile';
import type { Channel } from '../../src/link/channel';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { DeviceKeyChanged } from '../../src/link/errors';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import type { AuditEntry } from '../../src/protocol/control';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

/** A device that echoes every console byte back and counts the OPENs that reached it. */
async function echoDevice(url: string, identity: Identity): Promise<{ conn: Connection; opens: () => number }> {
  const conn = await connect(url, identity, { keepaliveSec: 0 });
  let opens = 0;
  conn.acceptChannels((incoming) => {
    opens += 1;
    const ch = incoming.accept();
    ch.on('error', () => undefined);
    ch.on('data', (d: Buffer) => ch.write(d));
  });
  return { conn, opens: () => opens };
}

async function roundTrip(channel: Channel, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => channel.once('data', (d: Buffer) => resolve(d.toString())));
  channel.write(text);
  const got = await reply;
  channel.destroy();
  return got;
}

describe('a relay that lies about a device key', function () {
  this.timeout(120_000);
  let relay: RelayUnderTest;
  let dir: string;
  let pinFile: string;
  let admin: Identity;
  const real = generateIdentity();
  const impostor = generateIdentity();
  const closers: { close(): void }[] = [];

  /** A fresh operator session (no per-connection key cache) on the shared pin file. */
  async function operator(): Promise<OperatorClient> {
    const client = await connectOperator({ relay: relay.url, identity: admin, devicePins: knownDevicesFile(pinFile) });
    closers.push(client);
    return client;
  }

  /** The relay's registry now lists `key` for the device: what a compromised relay answers devices.get with. */
  function relayLies(device: string, key: string): void {
    const db = new Database(path.join(relay.dataDir, 'relay.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE devices SET public_key = ? WHERE name = ?').run(key, device);
    } finally {
      db.close();
    }
  }

  async function channelOpens(client: OperatorClient, device: string): Promise<number> {
    const entries: AuditEntry[] = await client.request('audit.list', { device });
    return entries.filter((e) => e.action === 'open').length;
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'outpost-lying-relay-'));
    pinFile = path.join(dir, 'known_devices.json');
    relay = await startRelayProcess();
    admin = readIdentityFile(relay.adminKey);
    const setup = await operator();
    await setup.request('devices.add', { name: 'vault', publicKey: real.publicKeyText, tags: {} });
  });
  after(async () => {
    for (const c of closers.splice(0)) c.close();
    await relay?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pins the device key on the first console channel', async () => {
    const device = await echoDevice(relay.url, real);
    closers.push(device.conn);
    const client = await operator();
    assert.equal(await roundTrip(await client.openChannel('vault', 'console'), 'hello'), 'hello');
    assert.equal(knownDevicesFile(pinFile).get(relay.url, 'vault')?.publicKey, real.publicKeyText);
  });

  it('refuses a key the relay swapped in, with one line, and nothing reaches the device', async () => {
    relayLies('vault', impostor.publicKeyText);
    // The relay now authenticates the impostor as "vault" and routes its channels there.
    const fake = await echoDevice(relay.url, impostor);
    closers.push(fake.conn);

    // Without a pin the lie works: the E2E handshake succeeds against the impostor's key (what pinning stops).
    const unpinned = await connectOperator({ relay: relay.url, identity: admin, devicePins: memoryPinStore() });
    closers.push(unpinned);
    assert.equal(await roundTrip(await unpinned.openChannel('vault', 'console'), 'secret'), 'secret');
    assert.equal(fake.opens(), 1);

    const client = await operator();
    const before = await channelOpens(client, 'vault');
    for (const kind of ['console', 'rsp'] as const) {
      const err = await client.openChannel('vault', kind).then(
        () => assert.fail(`${kind} opened to a swapped key`),
        (e: unknown) => e,
      );
      assert.ok(err instanceof DeviceKeyChanged, String(err));
      assert.equal(err.code, 'DEVICE_KEY_CHANGED');
      const pin = knownDevicesFile(pinFile).get(relay.url, 'vault');
      assert.ok(pin);
      assert.equal(err.message, keyChangedMessage(pin, impostor.publicKeyText));
      assert.match(
        err.message,
        /run `outpost devices forget vault` and try again; otherwise the relay may be compromised/,
      );
    }
    assert.equal(fake.opens(), 1, 'no OPEN reached the impostor');
    assert.equal(await channelOpens(client, 'vault'), before, 'no OPEN reached the relay either');

    const cli = await runOutpost(['exec', 'vault', '--relay', relay.url, '--key', relay.adminKey, '--', 'version'], {
      env: { OUTPOST_KNOWN_DEVICES: pinFile },
    });
    assert.equal(cli.code, 1);
    assert.equal(cli.stdout, '');
    assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
    assert.match(cli.stderr, /device "vault" presented a different key than the one pinned on \d{4}-\d\d-\d\d/);
    assert.equal(fake.opens(), 1, 'the CLI sent nothing to the impostor');
    assert.equal(knownDevicesFile(pinFile).get(relay.url, 'vault')?.publicKey, real.publicKeyText, 'pin unchanged');
  });

  it('accepts and pins the new key after `outpost devices forget` (a re-enrolled device)', async () => {
    const forgot = await runOutpost(['devices', 'forget', 'vault', '--relay', relay.url], {
      env: { OUTPOST_KNOWN_DEVICES: pinFile },
    });
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.match(forgot.stdout, new RegExp(`forgot the key pinned for device "vault" on ${relay.url} \\(…`));
    const client = await operator();
    assert.equal(await roundTrip(await client.openChannel('vault', 'console'), 'again'), 'again');
    assert.equal(knownDevicesFile(pinFile).get(relay.url, 'vault')?.publicKey, impostor.publicKeyText);
  });
});
