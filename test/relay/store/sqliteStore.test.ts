// Unit tests of the SQLite store: registry rules, atomic token redemption, audit log, and state across reopen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreConflictError } from '../../../src/relay/store/store';
import { migrate } from '../../../src/relay/store/sqlite/migrate';
import { SqliteStore } from '../../../src/relay/store/sqlite/sqliteStore';

const keyA = 'A'.repeat(43);
const keyB = 'B'.repeat(43);
const keyC = 'C'.repeat(43);
const t0 = new Date('2030-01-01T00:00:00Z');

describe('SqliteStore', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-store-'));
    store = SqliteStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates relay.db in WAL mode', () => {
    assert.ok(fs.existsSync(path.join(dir, 'relay.db')));
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  });

  it('registers devices and finds them by name and key', async () => {
    await store.devices.add({ name: 'pump-1', publicKey: keyA, tags: { site: 'lab' } }, t0);
    const byKey = await store.devices.byPublicKey(keyA);
    assert.equal(byKey?.name, 'pump-1');
    assert.deepEqual(byKey?.tags, { site: 'lab' });
    assert.equal(byKey?.firmwareVersion, null);
    assert.equal(byKey?.lastSeen, null);
    assert.equal((await store.devices.byName('pump-1'))?.publicKey, keyA);
    assert.equal(await store.devices.byName('nope'), undefined);
  });

  it('refuses a taken device name and a key used by any identity', async () => {
    await store.devices.add({ name: 'pump-1', publicKey: keyA, tags: {} }, t0);
    await store.operators.add({ name: 'ann', publicKey: keyB, role: 'viewer' }, t0);
    await assert.rejects(store.devices.add({ name: 'pump-1', publicKey: keyC, tags: {} }, t0), StoreConflictError);
    await assert.rejects(store.devices.add({ name: 'pump-2', publicKey: keyB, tags: {} }, t0), /operator "ann"/);
    await assert.rejects(store.operators.add({ name: 'bob', publicKey: keyA, role: 'admin' }, t0), /device "pump-1"/);
    assert.equal((await store.devices.list()).length, 1);
  });

  it('merges telemetry and keeps fields that were not reported', async () => {
    await store.devices.add({ name: 'd', publicKey: keyA, tags: {} }, t0);
    const t1 = new Date(t0.getTime() + 1000);
    assert.equal(
      await store.devices.updateTelemetry('d', { firmwareVersion: '1.2.0', rssi: -71, uptime: 5 }, t1),
      true,
    );
    await store.devices.updateTelemetry('d', { uptime: 65, buildId: 'abc123' }, t1);
    const d = await store.devices.byName('d');
    assert.equal(d?.firmwareVersion, '1.2.0');
    assert.equal(d?.rssi, -71);
    assert.equal(d?.uptime, 65);
    assert.equal(d?.buildId, 'abc123');
    assert.equal(d?.lastSeen, t1.toISOString());
    assert.equal(await store.devices.updateTelemetry('ghost', { uptime: 1 }, t1), false);
  });

  it('removes devices and operators', async () => {
    await store.devices.add({ name: 'd', publicKey: keyA, tags: {} }, t0);
    await store.operators.add({ name: 'o', publicKey: keyB, role: 'debugger' }, t0);
    assert.equal(await store.devices.remove('d'), true);
    assert.equal(await store.devices.remove('d'), false);
    assert.equal(await store.operators.remove('o'), true);
    assert.equal(await store.operators.byPublicKey(keyB), undefined);
    // The key is free again once its identity is gone.
    await store.operators.add({ name: 'o2', publicKey: keyA, role: 'viewer' }, t0);
  });

  it('redeems a token until its uses run out, giving the device the token tags', async () => {
    await store.tokens.create(
      { tokenHash: 'h1', uses: 2, expiresAt: new Date(t0.getTime() + 3600e3), tags: { fleet: 'eu' } },
      t0,
    );
    const first = await store.tokens.redeem('h1', { name: 'a', publicKey: keyA }, t0);
    assert.ok(first.ok);
    assert.deepEqual(first.device.tags, { fleet: 'eu' });
    assert.ok((await store.tokens.redeem('h1', { name: 'b', publicKey: keyB }, t0)).ok);
    assert.deepEqual(await store.tokens.redeem('h1', { name: 'c', publicKey: keyC }, t0), {
      ok: false,
      reason: 'ENROLL_TOKEN_INVALID',
    });
    assert.equal(await store.devices.byName('c'), undefined);
  });

  it('refuses an expired or unknown token and keeps the use when the name is taken', async () => {
    await store.tokens.create({ tokenHash: 'old', uses: 5, expiresAt: new Date(t0.getTime() - 1), tags: {} }, t0);
    await store.tokens.create({ tokenHash: 'h', uses: 1, expiresAt: new Date(t0.getTime() + 60e3), tags: {} }, t0);
    assert.deepEqual(await store.tokens.redeem('old', { name: 'x', publicKey: keyA }, t0), {
      ok: false,
      reason: 'ENROLL_TOKEN_INVALID',
    });
    assert.equal((await store.tokens.redeem('nope', { name: 'x', publicKey: keyA }, t0)).ok, false);
    await store.devices.add({ name: 'taken', publicKey: keyB, tags: {} }, t0);
    assert.deepEqual(await store.tokens.redeem('h', { name: 'taken', publicKey: keyA }, t0), {
      ok: false,
      reason: 'NAME_TAKEN',
    });
    assert.equal((await store.tokens.byHash('h'))?.usesLeft, 1);
    assert.equal(await store.tokens.prune(t0), 1);
  });

  it('keeps the audit log newest first', async () => {
    for (const action of ['open', 'close', 'devices.add']) {
      await store.audit.append({
        time: t0.toISOString(),
        actor: 'ann',
        action,
        device: 'd',
        channelKind: 'rsp',
        result: 'ok',
      });
    }
    const recent = await store.audit.recent(2);
    assert.deepEqual(
      recent.map((e) => e.action),
      ['devices.add', 'close'],
    );
    assert.equal(recent[0].channelKind, 'rsp');
  });

  it('keeps everything across close and reopen, without re-running migrations', async () => {
    await store.devices.add({ name: 'd', publicKey: keyA, tags: { a: '1' } }, t0);
    await store.devices.updateTelemetry('d', { firmwareVersion: '2.0.0' }, t0);
    await store.operators.add({ name: 'o', publicKey: keyB, role: 'deployer' }, t0);
    await store.tokens.create({ tokenHash: 'h', uses: 3, expiresAt: new Date(t0.getTime() + 60e3), tags: {} }, t0);
    await store.audit.append({
      time: t0.toISOString(),
      actor: 'o',
      action: 'open',
      device: 'd',
      channelKind: 'ota',
      result: 'ok',
    });
    await store.close();
    store = SqliteStore.open(dir);
    assert.equal((await store.devices.byName('d'))?.firmwareVersion, '2.0.0');
    assert.equal((await store.operators.byName('o'))?.role, 'deployer');
    assert.equal((await store.tokens.byHash('h'))?.usesLeft, 3);
    assert.equal((await store.audit.recent(10)).length, 1);
  });
});

describe('migrate', () => {
  it('applies each named step once and records it', () => {
    const db = new Database(':memory:');
    const steps = [
      { id: 'x-1', sql: 'CREATE TABLE x (a INTEGER)' },
      { id: 'x-2', sql: 'ALTER TABLE x ADD COLUMN b TEXT' },
    ];
    assert.deepEqual(migrate(db, steps.slice(0, 1)), ['x-1']);
    assert.deepEqual(migrate(db, steps), ['x-2']);
    assert.deepEqual(migrate(db, steps), []);
    db.close();
  });

  it('leaves nothing half-applied when a step fails', () => {
    const db = new Database(':memory:');
    const bad = [{ id: 'y-1', sql: 'CREATE TABLE y (a INTEGER); CREATE TABLE y (b INTEGER)' }];
    assert.throws(() => migrate(db, bad));
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'y'").get(), undefined);
    assert.deepEqual(migrate(db, [{ id: 'y-1', sql: 'CREATE TABLE y (a INTEGER)' }]), ['y-1']);
    db.close();
  });
});
