// `outpost audit` against a relay process: who opened which channel to which device, when, and with what result.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentityFile } from '../../src/common/identityFile';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { RelayError } from '../../src/link/errors';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import { CloseCode } from '../../src/protocol/closeCodes';
import type { AuditEntry } from '../../src/protocol/control';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

describe('outpost audit (separate processes)', function () {
  let relay: RelayUnderTest;
  let dir: string;
  let device: Connection;
  let dora: OperatorClient;
  const admin = (...args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);

  async function operator(name: string, role: string): Promise<{ id: Identity; keyFile: string }> {
    const keyFile = path.join(dir, `${name}.key`);
    const key = await runOutpost(['keys', 'new', '--out', keyFile]);
    assert.equal(key.code, 0, key.stderr);
    const add = await admin('operator', 'add', name, '--pubkey', key.stdout.trim(), '--role', role);
    assert.equal(add.code, 0, add.stderr);
    return { id: readIdentityFile(keyFile), keyFile };
  }

  async function refused(p: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(p, (e: unknown) => e instanceof RelayError && e.code === code);
  }

  async function auditJson(...args: string[]): Promise<AuditEntry[]> {
    const r = await admin('audit', '--json', ...args);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as AuditEntry[];
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-audit-'));
    relay = await startRelayProcess();
    const deviceId = generateIdentity();
    assert.equal((await admin('device', 'add', 'audited-1', '--pubkey', deviceId.publicKeyText)).code, 0);
    const sleeper = generateIdentity().publicKeyText;
    assert.equal((await admin('device', 'add', 'audited-2', '--pubkey', sleeper)).code, 0);
    // A device that accepts rsp and refuses console, as a firmware without a command interpreter would.
    device = await connect(relay.url, deviceId, { keepaliveSec: 0 });
    device.acceptChannels((incoming) => {
      if (incoming.kind === 'console') return incoming.refuse(CloseCode.CHANNEL_REFUSED, 'no console here');
      incoming.accept().on('error', () => undefined);
    });

    dora = await connectOperator({ relay: relay.url, identity: (await operator('dora', 'debugger')).id });
    const vic = await connectOperator({ relay: relay.url, identity: (await operator('vic', 'viewer')).id });
    try {
      (await dora.openChannel('audited-1', 'rsp')).destroy();
      await refused(dora.openChannel('audited-1', 'console'), 'CHANNEL_REFUSED');
      await refused(vic.openChannel('audited-1', 'rsp'), 'FORBIDDEN');
      await refused(dora.openChannel('audited-2', 'logs'), 'DEVICE_OFFLINE');
    } finally {
      vic.close();
    }
  });
  after(async () => {
    dora?.close();
    device?.close();
    await relay?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists channel opens newest first: who, which kind, which device, when, and the result', async () => {
    const entries = await auditJson();
    const opens = entries
      .filter((e) => e.action === 'open')
      .map((e) => [e.actor, e.channelKind, e.device, e.result].join(' '));
    assert.deepEqual(opens, [
      'dora logs audited-2 DEVICE_OFFLINE',
      'vic rsp audited-1 FORBIDDEN',
      'dora console audited-1 CHANNEL_REFUSED',
      'dora rsp audited-1 ok',
    ]);
    for (const e of entries) assert.ok(!Number.isNaN(Date.parse(e.time)), e.time);
    assert.ok(
      entries.some((e) => e.actor === 'admin' && e.action === 'devices.add' && e.device === 'audited-1'),
      'registry changes are audited too',
    );
  });

  it('narrows to one device with --device and to the newest N with --limit', async () => {
    const one = await auditJson('--device', 'audited-2');
    assert.ok(one.length >= 2);
    assert.ok(one.every((e) => e.device === 'audited-2'));
    assert.deepEqual(
      one.map((e) => e.result),
      ['DEVICE_OFFLINE', 'ok'],
    );
    const newest = await auditJson('--limit', '2');
    assert.deepEqual(
      newest.map((e) => `${e.actor} ${e.result}`),
      ['dora DEVICE_OFFLINE', 'vic FORBIDDEN'],
    );
    assert.deepEqual(await auditJson('--device', 'nobody-here'), []);
  });

  it('prints a table for people', async () => {
    const r = await admin('audit', '--device', 'audited-1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^TIME +ACTOR +ACTION +DEVICE +RESULT$/m);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +dora +open rsp +audited-1 +ok$/m);
    assert.match(r.stdout, /^\S+ \S+ +dora +open console +audited-1 +CHANNEL_REFUSED$/m);
    const none = await admin('audit', '--device', 'nobody-here');
    assert.equal(none.stdout, 'no audit entries for nobody-here\n');
  });

  it('is for admins only, and refuses bad options with one usage line', async () => {
    const viewer = await operator('vera', 'viewer');
    const r = await runOutpost(['audit', '--relay', relay.url, '--key', viewer.keyFile]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'outpost: your role may not call audit.list\n');
    for (const args of [
      ['--limit', '500'],
      ['--limit', 'lots'],
      ['--device', 'no such/device'],
    ]) {
      const bad = await admin('audit', ...args);
      assert.equal(bad.code, 2, args.join(' '));
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      assert.equal(bad.stdout, '');
    }
  });
});
