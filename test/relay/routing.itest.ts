// Channels through a real relay process: id mapping, unmodified forwarding, E2E end to end, credit policing, drops, revocation, fleet events.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readIdentityFile } from '../../src/common/identityFile';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import { CloseCode } from '../../src/protocol/closeCodes';
import { INITIAL_WINDOW } from '../../src/protocol/credit';
import { controlFrame, encodeFrame, FrameType, MAX_DATA_PAYLOAD, type Frame } from '../../src/protocol/frame';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { connectRaw, type RawPeer } from '../helpers/rawPeer';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

const open = (channel: number, kind: string, device: string, extra: object = {}) =>
  encodeFrame({ type: FrameType.OPEN, channel, json: { kind, device, ...extra } });
const data = (channel: number, bytes: Buffer) => encodeFrame({ type: FrameType.DATA, channel, data: bytes });
const is = (type: FrameType, channel?: number) => (f: Frame) =>
  f.type === type && (channel === undefined || f.channel === channel);

describe('relay: channel routing (separate relay process)', function () {
  let relay: RelayUnderTest;
  const cleanup: (() => void)[] = [];

  async function cli(...args: string[]): Promise<string> {
    const r = await runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }
  async function operator(role: string): Promise<{ id: Identity; name: string }> {
    const id = generateIdentity();
    const name = `${role}-${Math.random().toString(36).slice(2, 8)}`;
    await cli('operator', 'add', name, '--pubkey', id.publicKeyText, '--role', role);
    return { id, name };
  }
  async function rawDevice(name: string): Promise<RawPeer> {
    const id = generateIdentity();
    await cli('device', 'add', name, '--pubkey', id.publicKeyText);
    const p = await connectRaw(relay, id);
    cleanup.push(() => p.ws.terminate());
    return p;
  }
  async function rawOperator(role = 'admin'): Promise<RawPeer> {
    const { id } = await operator(role);
    const p = await connectRaw(relay, id);
    cleanup.push(() => p.ws.terminate());
    return p;
  }

  before(async () => (relay = await startRelayProcess()));
  afterEach(() => cleanup.splice(0).forEach((f) => f()));
  after(async () => await relay?.stop());

  it('maps channel ids, tells the device who opens, and forwards every frame byte for byte', async () => {
    const dev = await rawDevice('mapper');
    const op = await rawOperator('debugger');
    const e2e = { x25519: 'opaque-to-the-relay', sig: 'also-opaque' };
    op.ws.send(open(7, 'console', 'mapper', { e2e }));
    const opened = await dev.next(is(FrameType.OPEN));
    assert.ok(opened.type === FrameType.OPEN);
    const devChannel = opened.channel;
    assert.deepEqual(opened.json, {
      kind: 'console',
      operator: (opened.json as { operator: string }).operator,
      operatorKey: op.identity.publicKeyText,
      e2e,
    });
    assert.match((opened.json as { operator: string }).operator, /^debugger-/);

    dev.ws.send(
      encodeFrame({ type: FrameType.OPEN_OK, channel: devChannel, json: { e2e: { x25519: 'dev', sig: 's' } } }),
    );
    const ok = await op.next(is(FrameType.OPEN_OK, 7));
    assert.deepEqual(ok.type === FrameType.OPEN_OK && ok.json, { e2e: { x25519: 'dev', sig: 's' } });

    const payload = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x24, 0x23]);
    op.ws.send(data(7, payload));
    const got = await dev.next(is(FrameType.DATA, devChannel));
    assert.deepEqual(got.type === FrameType.DATA && Buffer.from(got.data), payload);
    dev.ws.send(data(devChannel, Buffer.from('$OK#9a')));
    const back = await op.next(is(FrameType.DATA, 7));
    assert.equal(back.type === FrameType.DATA && back.data.toString(), '$OK#9a');
    dev.ws.send(encodeFrame({ type: FrameType.CREDIT, channel: devChannel, bytes: 1234 }));
    const credit = await op.next(is(FrameType.CREDIT, 7));
    assert.equal(credit.type === FrameType.CREDIT && credit.bytes, 1234);

    op.ws.send(encodeFrame({ type: FrameType.CLOSE, channel: 7, code: CloseCode.NORMAL, reason: 'bye' }));
    const closed = await dev.next(is(FrameType.CLOSE, devChannel));
    assert.deepEqual(closed.type === FrameType.CLOSE && [closed.code, closed.reason], [CloseCode.NORMAL, 'bye']);
    // Late frames for the closed channel are dropped, not fatal.
    dev.ws.send(data(devChannel, Buffer.from('late')));
    op.ws.send(controlFrame({ id: 1, method: 'whoami' }));
    await op.next((f) => f.type === FrameType.CONTROL && (f.json as { id?: number }).id === 1);
    assert.equal(op.frames.filter(is(FrameType.DATA, 7)).length, 1);

    const db = new Database(path.join(relay.dataDir, 'relay.db'), { readonly: true });
    const row = db.prepare("SELECT * FROM audit_log WHERE device = 'mapper' AND action = 'open'").get() as Record<
      string,
      string
    >;
    db.close();
    assert.deepEqual([row.channel_kind, row.result], ['console', 'ok']);
    assert.match(row.actor, /^debugger-/);
  });

  it('passes the device refusal to the operator and audits it', async () => {
    const dev = await rawDevice('refuser');
    const op = await rawOperator('admin');
    op.ws.send(open(1, 'rsp', 'refuser'));
    const o = await dev.next(is(FrameType.OPEN));
    dev.ws.send(
      encodeFrame({ type: FrameType.CLOSE, channel: o.channel, code: CloseCode.CHANNEL_REFUSED, reason: 'no target' }),
    );
    const c = await op.next(is(FrameType.CLOSE, 1));
    assert.deepEqual(c.type === FrameType.CLOSE && [c.code, c.reason], [CloseCode.CHANNEL_REFUSED, 'no target']);
  });

  it('closes the operator side with DEVICE_OFFLINE when the device drops, and the device side when the operator drops', async () => {
    const dev = await rawDevice('dropper');
    const op = await rawOperator('admin');
    op.ws.send(open(1, 'logs', 'dropper'));
    op.ws.send(open(3, 'logs', 'dropper'));
    const first = await dev.next(is(FrameType.OPEN));
    dev.ws.send(encodeFrame({ type: FrameType.OPEN_OK, channel: first.channel, json: {} }));
    await op.next(is(FrameType.OPEN_OK, 1));
    dev.ws.terminate();
    const codes = await Promise.all(
      [1, 3].map(async (ch) => ((await op.next(is(FrameType.CLOSE, ch))) as { code: number }).code),
    );
    assert.deepEqual(codes, [CloseCode.DEVICE_OFFLINE, CloseCode.DEVICE_OFFLINE]);

    const dev2 = await rawDevice('dropper-2');
    op.ws.send(open(5, 'logs', 'dropper-2'));
    const o2 = await dev2.next(is(FrameType.OPEN));
    op.ws.terminate();
    const c2 = await dev2.next(is(FrameType.CLOSE, o2.channel));
    assert.equal(c2.type === FrameType.CLOSE && c2.code, CloseCode.NORMAL);
  });

  it('drops a peer that sends more than its credit with CREDIT_EXCEEDED', async () => {
    const dev = await rawDevice('flooded');
    const op = await rawOperator('deployer');
    op.ws.send(open(1, 'ota', 'flooded'));
    const o = await dev.next(is(FrameType.OPEN));
    dev.ws.send(encodeFrame({ type: FrameType.OPEN_OK, channel: o.channel, json: {} }));
    await op.next(is(FrameType.OPEN_OK, 1));
    const chunk = Buffer.alloc(MAX_DATA_PAYLOAD);
    for (let sent = 0; sent <= INITIAL_WINDOW; sent += chunk.length) op.ws.send(data(1, chunk));
    assert.equal((await op.closed).code, CloseCode.CREDIT_EXCEEDED);
    const c = await dev.next(is(FrameType.CLOSE, o.channel));
    assert.equal(c.type === FrameType.CLOSE && c.code, CloseCode.NORMAL);
    assert.equal(
      dev.frames.filter(is(FrameType.DATA)).length,
      INITIAL_WINDOW / MAX_DATA_PAYLOAD,
      'only credited data was forwarded',
    );
  });

  it('carries an end-to-end encrypted rsp channel between the real link clients', async () => {
    const devId = generateIdentity();
    await cli('device', 'add', 'e2e-dev', '--pubkey', devId.publicKeyText);
    const device: Connection = await connect(relay.url, devId, { keepaliveSec: 0 });
    cleanup.push(() => device.close());
    device.acceptChannels((incoming) => {
      const ch = incoming.accept();
      ch.on('data', (d: Buffer) => ch.write(Buffer.concat([Buffer.from('echo:'), d])));
      ch.on('error', () => undefined);
    });
    const { id } = await operator('debugger');
    const client: OperatorClient = await connectOperator({ relay: relay.url, identity: id, keepaliveSec: 0 });
    cleanup.push(() => client.close());
    const ch = await client.openChannel('e2e-dev', 'rsp');
    ch.write('$g#67');
    const [reply] = (await once(ch, 'data')) as [Buffer];
    assert.equal(reply.toString(), 'echo:$g#67');
    ch.destroy();
  });

  it('replaces an older connection of the same identity with REPLACED', async () => {
    const id = generateIdentity();
    await cli('device', 'add', 'twin', '--pubkey', id.publicKeyText);
    const first = await connectRaw(relay, id);
    const second = await connectRaw(relay, id);
    cleanup.push(() => second.ws.terminate());
    assert.equal((await first.closed).code, CloseCode.REPLACED);
    second.ws.send(controlFrame({ id: 1, method: 'whoami' }));
    await second.next((f) => f.type === FrameType.CONTROL);
  });

  it('closes a device or operator removed while connected with REVOKED', async () => {
    const dev = await rawDevice('doomed');
    const { id, name } = await operator('viewer');
    const op = await connectRaw(relay, id);
    await cli('device', 'rm', 'doomed');
    assert.equal((await dev.closed).code, CloseCode.REVOKED);
    await cli('operator', 'rm', name);
    assert.equal((await op.closed).code, CloseCode.REVOKED);
  });

  it('closes the open channels of an operator removed while connected at once: REVOKED to it, a channel close to the device', async () => {
    const dev = await rawDevice('logged');
    const { id, name } = await operator('viewer');
    const op = await connectRaw(relay, id);
    op.ws.send(open(1, 'logs', 'logged'));
    const opened = await dev.next(is(FrameType.OPEN));
    dev.ws.send(encodeFrame({ type: FrameType.OPEN_OK, channel: opened.channel, json: {} }));
    await op.next(is(FrameType.OPEN_OK, 1));
    await cli('operator', 'rm', name);
    assert.equal((await op.closed).code, CloseCode.REVOKED);
    const closed = await dev.next(is(FrameType.CLOSE, opened.channel));
    // The device learns only that the operator went away, as for any operator disconnect; it keeps serving.
    assert.deepEqual(closed.type === FrameType.CLOSE && [closed.code, closed.reason], [
      CloseCode.NORMAL,
      'operator disconnected',
    ]);
    dev.ws.send(data(opened.channel, Buffer.from('late line')));
    dev.ws.send(controlFrame({ id: 9, method: 'whoami' }));
    await dev.next((f) => f.type === FrameType.CONTROL && (f.json as { id?: number }).id === 9);
  });

  it('refuses to remove the last admin', async () => {
    const fresh = await startRelayProcess();
    try {
      const last = await runOutpost(['operator', 'rm', 'admin', '--relay', fresh.url, '--key', fresh.adminKey]);
      assert.equal(last.code, 1);
      assert.equal(last.stderr, 'outpost: "admin" is the last admin; add another admin first\n');
      const still = await runOutpost(['operators', '--json', '--relay', fresh.url, '--key', fresh.adminKey]);
      assert.deepEqual(
        (JSON.parse(still.stdout) as { name: string }[]).map((o) => o.name),
        ['admin'],
      );
    } finally {
      await fresh.stop();
    }
  });

  it('sends fleet events to subscribers as devices come, go and are removed', async () => {
    const viewer = await operator('viewer');
    const client = await connectOperator({ relay: relay.url, identity: viewer.id, keepaliveSec: 0 });
    cleanup.push(() => client.close());
    const events: { event: string; data: unknown }[] = [];
    client.onEvent((e) => events.push(e));
    const snapshot = await client.request('fleet.subscribe');
    assert.ok(Array.isArray(snapshot.devices));
    const dev = await rawDevice('watched');
    dev.ws.send(controlFrame({ event: 'telemetry', data: { uptime: 5, rssi: -60 } }));
    const until = async (pred: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(pred());
    };
    const updates = () =>
      events
        .filter((e) => e.event === 'device.updated')
        .map((e) => (e.data as { device: { name: string; online: boolean; rssi: number | null } }).device)
        .filter((d) => d.name === 'watched');
    await until(() => updates().some((d) => d.online && d.rssi === -60));
    dev.ws.close(1000);
    await until(() => updates().some((d) => !d.online));
    await cli('device', 'rm', 'watched');
    await until(() =>
      events.some((e) => e.event === 'device.removed' && (e.data as { name: string }).name === 'watched'),
    );
  });

  it('uses the admin key from the data dir for operator commands', async () => {
    const admin = readIdentityFile(relay.adminKey);
    const client = await connectOperator({ relay: relay.url, identity: admin, keepaliveSec: 0 });
    cleanup.push(() => client.close());
    assert.deepEqual(await client.request('whoami'), { name: 'admin', role: 'admin', kind: 'operator' });
  });
});
