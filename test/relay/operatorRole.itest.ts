// `operators.setRole` / `outpost operator set-role` against a real relay process: a role change reaches live
// sessions at once (channels the new role may not hold close with REVOKED and say why), the last admin stays.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readIdentityFile } from '../../src/common/identityFile';
import { memoryPinStore } from '../../src/common/knownDevices';
import type { Channel } from '../../src/link/channel';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { RelayError } from '../../src/link/errors';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import type { AuditEntry, OperatorInfo, Role } from '../../src/protocol/control';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

describe('operator set-role (real relay process)', function () {
  this.timeout(120_000);
  let relay: RelayUnderTest;
  let admin: OperatorClient;
  const closers: { close(): void }[] = [];

  async function operatorSession(identity: Identity): Promise<OperatorClient> {
    const client = await connectOperator({ relay: relay.url, identity, devicePins: memoryPinStore() });
    closers.push(client);
    return client;
  }

  async function addOperator(name: string, role: Role): Promise<Identity> {
    const id = generateIdentity();
    await admin.request('operators.add', { name, publicKey: id.publicKeyText, role });
    return id;
  }

  /** A device that accepts every channel and echoes its bytes; `closed` collects the codes its channels ended with. */
  async function echoDevice(name: string): Promise<{ conn: Connection; closed: string[]; rspClosed: Promise<string> }> {
    const id = generateIdentity();
    await admin.request('devices.add', { name, publicKey: id.publicKeyText, tags: {} });
    const conn = await connect(relay.url, id, { keepaliveSec: 0 });
    closers.push(conn);
    const closed: string[] = [];
    let rspClosed!: (code: string) => void;
    const rspClosedPromise = new Promise<string>((resolve) => (rspClosed = resolve));
    conn.acceptChannels((incoming) => {
      const ch = incoming.accept();
      ch.on('error', (e: RelayError) => {
        closed.push(`${incoming.kind}:${e.code}`);
        if (incoming.kind === 'rsp') rspClosed(e.code);
      });
      ch.on('data', (d: Buffer) => ch.write(d));
    });
    return { conn, closed, rspClosed: rspClosedPromise };
  }

  async function echoes(channel: Channel, text: string): Promise<boolean> {
    const reply = new Promise<string>((resolve) => channel.once('data', (d: Buffer) => resolve(d.toString())));
    channel.write(text);
    return (await reply) === text;
  }

  async function refused(p: Promise<unknown>, code: string): Promise<RelayError> {
    const e = await p.then(
      () => assert.fail(`expected ${code}`),
      (err: unknown) => err,
    );
    assert.ok(e instanceof RelayError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }

  const cli = (args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);

  before(async () => {
    relay = await startRelayProcess();
    admin = await operatorSession(readIdentityFile(relay.adminKey));
  });
  after(async () => {
    for (const c of closers.splice(0)) c.close();
    await relay?.stop();
  });

  it('a debugger demoted to viewer mid-session loses its rsp channel at once and sees why; logs stay open', async () => {
    const device = await echoDevice('bench-1');
    const dana = await operatorSession(await addOperator('dana', 'debugger'));
    const rsp = await dana.openChannel('bench-1', 'rsp');
    const logs = await dana.openChannel('bench-1', 'logs');
    assert.ok(await echoes(rsp, '$g#67'));
    const rspError = once(rsp, 'error');

    const changed = await admin.request<OperatorInfo>('operators.setRole', { name: 'dana', role: 'viewer' });
    assert.equal(changed.role, 'viewer');

    const [err] = (await rspError) as [RelayError];
    assert.equal(err.code, 'REVOKED');
    assert.match(err.message, /role changed to viewer, which may not hold this channel/);
    assert.ok(await echoes(logs, 'still here'), 'the logs channel a viewer may hold stays open');
    await refused(dana.openChannel('bench-1', 'rsp'), 'FORBIDDEN');
    assert.equal(await device.rspClosed, 'REVOKED', "the device's rsp end closed too");
    assert.ok(!device.closed.some((c) => c.startsWith('logs:')));

    const entries = await admin.request<AuditEntry[]>('audit.list', { limit: 20 });
    const entry = entries.find((e) => e.action.startsWith('operators.setRole dana'));
    assert.ok(entry, 'audited');
    assert.equal(entry.action, 'operators.setRole dana debugger->viewer');
    assert.equal(entry.actor, 'admin');
    logs.destroy();
  });

  it('an admin demoted to debugger cannot call admin methods from its next request on', async () => {
    const ada = await operatorSession(await addOperator('ada', 'admin'));
    assert.ok(Array.isArray(await ada.request('operators.list')));
    await admin.request('operators.setRole', { name: 'ada', role: 'debugger' });
    await refused(ada.request('operators.list'), 'FORBIDDEN');
    await refused(ada.request('operators.setRole', { name: 'ada', role: 'admin' }), 'FORBIDDEN');
    const listed = await admin.request<OperatorInfo[]>('operators.list');
    assert.equal(listed.find((o) => o.name === 'ada')?.role, 'debugger');
  });

  it('refuses to demote the last admin with FORBIDDEN, and the admin keeps its role', async () => {
    const admins = (await admin.request<OperatorInfo[]>('operators.list')).filter((o) => o.role === 'admin');
    assert.deepEqual(
      admins.map((o) => o.name),
      ['admin'],
    );
    const e = await refused(admin.request('operators.setRole', { name: 'admin', role: 'viewer' }), 'FORBIDDEN');
    assert.match(e.message, /"admin" is the last admin; make another operator admin first/);
    assert.ok(Array.isArray(await admin.request('operators.list')), 'still an admin');
  });

  it('outpost operator set-role prints one line, and each error is one line with a non-zero exit', async () => {
    await addOperator('casey', 'viewer');
    const ok = await cli(['operator', 'set-role', 'casey', 'deployer']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'operator casey is now deployer\n');

    const cases: [string[], number, RegExp][] = [
      [['operator', 'set-role', 'casey', 'owner'], 2, /ROLE must be one of admin, deployer, debugger, viewer/],
      [['operator', 'set-role', 'nobody', 'viewer'], 1, /no operator named "nobody"/],
      [['operator', 'set-role', 'admin', 'viewer'], 1, /"admin" is the last admin/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    const listed = await admin.request<OperatorInfo[]>('operators.list');
    assert.equal(listed.find((o) => o.name === 'casey')?.role, 'deployer');
  });
});
