// Device key rotations in the SQLite store: the swap and its record at once, and databases made before the table.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { KeyRotation } from '../../../src/common/keyRotation';
import { StoreConflictError } from '../../../src/relay/store/store';
import { migrate } from '../../../src/relay/store/sqlite/migrate';
import { allMigrations, databaseFileName, SqliteStore } from '../../../src/relay/store/sqlite/sqliteStore';

const keyA = 'A'.repeat(43);
const keyB = 'B'.repeat(43);
const keyC = 'C'.repeat(43);
const t0 = new Date('2030-01-01T00:00:00Z');

function rotation(oldKey: string, newKey: string, device = 'pump-1'): KeyRotation {
  return {
    relay: 'ws://relay.example',
    device,
    oldKey,
    newKey,
    oldSignature: 'o'.repeat(86),
    newSignature: 'n'.repeat(86),
    rotatedAt: t0.toISOString(),
  };
}

describe('SqliteStore key rotations', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-rotations-'));
  });
  afterEach(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens a database made before rotations existed, keeps its devices, and rotates them', async () => {
    const db = new Database(path.join(dir, databaseFileName));
    migrate(
      db,
      allMigrations.filter((m) => !m.id.startsWith('key-rotations')),
    );
    db.prepare("INSERT INTO devices (name, public_key, created_at) VALUES ('pump-1', ?, ?)").run(
      keyA,
      t0.toISOString(),
    );
    db.close();

    store = SqliteStore.open(dir);
    assert.equal((await store.devices.byName('pump-1'))?.publicKey, keyA);
    assert.deepEqual(await store.keyRotations.list('pump-1', 8), []);
    const rotated = await store.keyRotations.rotate(rotation(keyA, keyB));
    assert.equal(rotated?.publicKey, keyB);
    assert.equal((await store.devices.byPublicKey(keyB))?.name, 'pump-1');
    assert.equal(await store.devices.byPublicKey(keyA), undefined);
  });

  it('lists the latest rotations oldest first, and forgets them with the device', async () => {
    store = SqliteStore.open(dir);
    await store.devices.add({ name: 'pump-1', publicKey: keyA, tags: {} }, t0);
    await store.keyRotations.rotate(rotation(keyA, keyB));
    await store.keyRotations.rotate(rotation(keyB, keyC));
    assert.deepEqual(
      (await store.keyRotations.list('pump-1', 8)).map((r) => [r.oldKey, r.newKey]),
      [
        [keyA, keyB],
        [keyB, keyC],
      ],
    );
    assert.deepEqual(
      (await store.keyRotations.list('pump-1', 1)).map((r) => r.newKey),
      [keyC],
    );
    await store.devices.remove('pump-1');
    await store.devices.add({ name: 'pump-1', publicKey: keyA, tags: {} }, t0);
    assert.deepEqual(await store.keyRotations.list('pump-1', 8), [], 'a device added again starts with no rotations');
  });

  it('changes nothing when the device no longer has the old key, or the new key is taken', async () => {
    store = SqliteStore.open(dir);
    await store.devices.add({ name: 'pump-1', publicKey: keyA, tags: {} }, t0);
    await store.operators.add({ name: 'olga', publicKey: keyC, role: 'viewer' }, t0);
    assert.equal(await store.keyRotations.rotate(rotation(keyB, 'D'.repeat(43))), undefined);
    assert.equal(await store.keyRotations.rotate(rotation(keyA, 'D'.repeat(43), 'pump-9')), undefined);
    await assert.rejects(store.keyRotations.rotate(rotation(keyA, keyC)), StoreConflictError);
    assert.equal((await store.devices.byName('pump-1'))?.publicKey, keyA);
    assert.deepEqual(await store.keyRotations.list('pump-1', 8), []);
  });
});
