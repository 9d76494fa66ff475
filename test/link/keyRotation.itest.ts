// A device rotates its key, signed by the old one: operators that pinned the old key follow the record to the new
// one without `devices forget`, and a relay that forges a record is still refused. Real relay process, real CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readIdentityFile } from '../../src/common/identityFile';
import { signRotation, type KeyRotation } from '../../src/common/keyRotation';
import { keyTail, relayScope } from '../../src/common/knownDevices';
import { knownDevicesFile } from '../../src/common/knownDevicesFile';
import { parseReplyLine, SOH } from '../../src/agent/uart/execFraming';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { RelayError } from '../../src/link/errors';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import type { AuditEntry, DeviceInfo } from '../../src/protocol/control';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

/** A device whose console answers every framed command with the tail of the key it runs with. */
async function answeringDevice(url: string, identity: Identity): Promise<{ conn: Connection; opens: () => number }> {
  const conn = await connect(url, identity, { keepaliveSec: 0 });
  let opens = 0;
  conn.acceptChannels((incoming) => {
    opens += 1;
    const ch = incoming.accept();
    ch.on('error', () => undefined);
    ch.on('data', (d: Buffer) => {
      const tag = parseReplyLine(d.toString().replace(SOH, '').trim())?.tag;
      if (tag) ch.write(`@${tag} key ${keyTail(identity.publicKeyText)}\n@${tag} #end 0\n`);
    });
  });
  return { conn, opens: () => opens };
}

type DeviceWithRotations = DeviceInfo & { keyRotations: KeyRotation[] };

describe('device key rotation signed by the old key', function () {
  this.timeout(120_000);
  let relay: RelayUnderTest;
  let dir: string;
  let pinFile: string;
  let admin: OperatorClient;
  let oldKey: Identity;
  let newKey: Identity;
  const closers: { close(): void }[] = [];

  const cli = (args: string[]) => runOutpost(args, { env: { OUTPOST_KNOWN_DEVICES: pinFile } });
  const exec = () => cli(['exec', 'vault', '--relay', relay.url, '--key', relay.adminKey, '--', 'key']);
  const pinned = () => knownDevicesFile(pinFile).get(relay.url, 'vault')?.publicKey;

  /** What a compromised relay does: list `key` for the device, and any rotation records it likes. */
  function relayLies(key: string, records: KeyRotation[]): void {
    const db = new Database(path.join(relay.dataDir, 'relay.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE devices SET public_key = ? WHERE name = ?').run(key, 'vault');
      const insert = db.prepare(
        `INSERT INTO device_key_rotations (device, relay, old_key, new_key, old_signature, new_signature, rotated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of records)
        insert.run(r.device, r.relay, r.oldKey, r.newKey, r.oldSignature, r.newSignature, r.rotatedAt);
    } finally {
      db.close();
    }
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'outpost-rotation-'));
    pinFile = path.join(dir, 'known_devices.json');
    relay = await startRelayProcess();
    admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKey) });
    closers.push(admin);
    for (const name of ['old.key', 'new.key']) {
      const made = await cli(['keys', 'new', '--out', path.join(dir, name)]);
      assert.equal(made.code, 0, made.stderr);
    }
    oldKey = readIdentityFile(path.join(dir, 'old.key'));
    newKey = readIdentityFile(path.join(dir, 'new.key'));
    await admin.request('devices.add', { name: 'vault', publicKey: oldKey.publicKeyText, tags: {} });
  });
  after(async () => {
    for (const c of closers.splice(0)) c.close();
    await relay?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('outpost device rotate-key refuses bad input with one line and changes nothing', async () => {
    const opKey = path.join(dir, 'op.key');
    assert.equal((await cli(['keys', 'new', '--out', opKey])).code, 0);
    const cases: [string[], number, RegExp][] = [
      [['--key', path.join(dir, 'old.key')], 2, /missing --new NEW\.key/],
      [['--key', path.join(dir, 'old.key'), '--new', path.join(dir, 'old.key')], 2, /--new holds the same key/],
      [['--key', relay.adminKey, '--new', path.join(dir, 'new.key')], 1, /--key is the key of operator "admin"/],
      [['--key', opKey, '--new', path.join(dir, 'new.key')], 1, /not registered/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(['device', 'rotate-key', ...args, '--relay', relay.url]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    const info = await admin.request<DeviceWithRotations>('devices.get', { name: 'vault' });
    assert.equal(info.publicKey, oldKey.publicKeyText);
    assert.deepEqual(info.keyRotations, []);
  });

  it('the relay refuses a rotation whose new key did not sign it, or that was signed for another device', async () => {
    const conn = await connect(relay.url, oldKey, { keepaliveSec: 0 });
    closers.push(conn);
    const stranger = generateIdentity();
    const good = signRotation(relay.url, 'vault', oldKey, stranger);
    const forgedNew = { ...good, newSignature: good.oldSignature };
    const otherDevice = signRotation(relay.url, 'pump-9', oldKey, stranger);
    for (const proof of [forgedNew, otherDevice]) {
      const e = await conn.request('devices.rotateKey', { publicKey: stranger.publicKeyText, proof }).then(
        () => assert.fail('rotated'),
        (err: unknown) => err,
      );
      assert.ok(e instanceof RelayError);
      assert.equal(e.code, 'BAD_SIGNATURE', e.message);
    }
    conn.close();
    assert.equal((await admin.request<DeviceInfo>('devices.get', { name: 'vault' })).publicKey, oldKey.publicKeyText);
  });

  it('pin, rotate, and the next exec works without devices forget; the user is told once', async () => {
    const before = await answeringDevice(relay.url, oldKey);
    closers.push(before.conn);
    const first = await exec();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `key ${keyTail(oldKey.publicKeyText)}\n`);
    assert.equal(pinned(), oldKey.publicKeyText);

    const revoked = new Promise<string>((resolve) => before.conn.onClose((e) => resolve(e.code)));
    const rotated = await cli([
      'device',
      'rotate-key',
      '--key',
      path.join(dir, 'old.key'),
      '--new',
      path.join(dir, 'new.key'),
      '--relay',
      relay.url,
    ]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(
      rotated.stdout,
      `device vault now has key ${keyTail(newKey.publicKeyText)} (was ${keyTail(oldKey.publicKeyText)}): ` +
        `start its agent with --key ${path.join(dir, 'new.key')}\n`,
    );
    // The rotate command replaced the old connection (one connection per device), and its own is revoked.
    assert.equal(await revoked, 'REPLACED');

    const info = await admin.request<DeviceWithRotations>('devices.get', { name: 'vault' });
    assert.equal(info.publicKey, newKey.publicKeyText);
    assert.equal(info.keyRotations.length, 1);
    assert.deepEqual(
      { ...info.keyRotations[0], rotatedAt: '' },
      { ...signRotation(relay.url, 'vault', oldKey, newKey), rotatedAt: '' },
    );
    const audit = await admin.request<AuditEntry[]>('audit.list', { device: 'vault' });
    assert.equal(
      audit.find((e) => e.action.startsWith('devices.rotateKey'))?.action,
      `devices.rotateKey ${keyTail(oldKey.publicKeyText)} -> ${keyTail(newKey.publicKeyText)}`,
    );
    await assert.rejects(connect(relay.url, oldKey, { keepaliveSec: 0 }), /not registered/, 'the old key is gone');

    const after = await answeringDevice(relay.url, newKey);
    closers.push(after.conn);
    const second = await exec();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, `key ${keyTail(newKey.publicKeyText)}\n`);
    assert.equal(
      second.stderr,
      `device "vault" rotated its key (${keyTail(oldKey.publicKeyText)} -> ${keyTail(newKey.publicKeyText)}, ` +
        `signed by the pinned key): the pin moved to the new key\n`,
    );
    assert.equal(pinned(), newKey.publicKeyText);
    const third = await exec();
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stderr, '', 'told once');
  });

  it('a relay that forges a record (its own key as new, signed by a key that is not the pinned one) is refused', async () => {
    const relayOwn = generateIdentity();
    const other = generateIdentity();
    const scope = relayScope(relay.url);
    const forged = { ...signRotation(scope, 'vault', other, relayOwn), rotatedAt: new Date().toISOString() };
    const claimsPinned = { ...forged, oldKey: newKey.publicKeyText };
    relayLies(relayOwn.publicKeyText, [forged, claimsPinned]);
    const fake = await answeringDevice(relay.url, relayOwn);
    closers.push(fake.conn);

    const refused = await exec();
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /device "vault" presented a different key than the one pinned on .*run `outpost devices forget vault` and try again; otherwise the relay may be compromised/,
    );
    assert.equal(fake.opens(), 0, 'nothing reached the relay’s device');
    assert.equal(pinned(), newKey.publicKeyText, 'the pin stays');
  });
});
