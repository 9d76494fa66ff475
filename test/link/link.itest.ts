// The link against a real relay on real sockets: authentication outcomes as typed errors, control calls, RTT,
// device replacement vs. several operator connections, and E2E opens in a fleet too big for one listing.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { connect } from '../../src/link/connect';
import type { Connection } from '../../src/link/connection';
import { RelayError } from '../../src/link/errors';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';

async function refusedWith(p: Promise<unknown>, code: string): Promise<RelayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RelayError, `expected a RelayError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!e.message.includes('\n'));
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

describe('link (real relay)', () => {
  let fx: RelayFixture;
  before(async () => (fx = await startRelayFixture()));
  after(async () => fx.close());

  it('refuses a key the relay does not know with UNKNOWN_KEY', async () => {
    const e = await refusedWith(connect(fx.url, generateIdentity()), 'UNKNOWN_KEY');
    assert.equal(e.closeCode, 4013);
    assert.match(e.message, /not registered/);
  });

  it('refuses an invalid enrollment token with ENROLL_TOKEN_INVALID', async () => {
    const e = await refusedWith(
      connect(fx.url, generateIdentity(), { enroll: { token: 'no-such-token', name: 'ghost' } }),
      'ENROLL_TOKEN_INVALID',
    );
    assert.equal(e.closeCode, 4014);
  });

  it('says CONNECTION_FAILED when nothing listens at the relay URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const e = await refusedWith(connect(`ws://127.0.0.1:${port}`, generateIdentity()), 'CONNECTION_FAILED');
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('rejects a malformed relay URL with one clear line', async () => {
    await refusedWith(connect('ftp://example.com', generateIdentity()), 'CONNECTION_FAILED');
  });

  it('answers control requests and maps request errors to typed codes', async () => {
    const who = await fx.admin.request('whoami');
    assert.deepEqual(who, { name: 'admin', role: 'admin', kind: 'operator' });
    const viewerId = await fx.addOperator('vera', 'viewer');
    const viewer = await fx.operator(viewerId);
    await refusedWith(
      viewer.request('devices.add', { name: 'x', publicKey: generateIdentity().publicKeyText, tags: {} }),
      'FORBIDDEN',
    );
    await refusedWith(fx.admin.request('devices.add', { name: 'bad name', publicKey: 'x', tags: {} }), 'BAD_REQUEST');
    assert.ok(Array.isArray(await viewer.request('devices.list')));
  });

  it('measures the round trip to the relay', async () => {
    const id = await fx.addOperator('rita', 'viewer');
    const client = await connectOperator({ relay: fx.url, identity: id });
    try {
      for (let i = 0; i < 50 && client.rttMs === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(typeof client.rttMs, 'number');
      assert.ok((client.rttMs as number) >= 0);
    } finally {
      client.close();
    }
  });

  /** A device on the link that echoes every channel's data back, prefixed. */
  async function echoDevice(identity: Identity, tag = 'echo'): Promise<Connection> {
    const device = await connect(fx.url, identity, { keepaliveSec: 0 });
    device.acceptChannels((incoming) => {
      const ch = incoming.accept();
      ch.on('data', (d: Buffer) => ch.write(Buffer.concat([Buffer.from(`${tag}:`), d])));
      ch.on('error', () => undefined);
    });
    return device;
  }

  async function echoes(client: OperatorClient, device: string, text: string): Promise<string> {
    const ch = await client.openChannel(device, 'rsp');
    ch.write(text);
    const [reply] = (await once(ch, 'data')) as [Buffer];
    ch.destroy();
    return reply.toString();
  }

  it('lets one operator key hold several connections at once (editor and CLI), each fully working', async () => {
    const id = await fx.addOperator('otto', 'debugger');
    const deviceId = await fx.addDevice('bench-twin');
    const device = await echoDevice(deviceId);
    const editor = await connectOperator({ relay: fx.url, identity: id });
    const cli = await connectOperator({ relay: fx.url, identity: id });
    try {
      // Had the second connection replaced the first, the first would already be closed by now.
      assert.deepEqual(await editor.request('whoami'), { name: 'otto', role: 'debugger', kind: 'operator' });
      assert.deepEqual(await cli.request('whoami'), { name: 'otto', role: 'debugger', kind: 'operator' });
      const [a, b] = await Promise.all([
        echoes(editor, 'bench-twin', 'from-editor'),
        echoes(cli, 'bench-twin', 'from-cli'),
      ]);
      assert.deepEqual([a, b], ['echo:from-editor', 'echo:from-cli']);
    } finally {
      editor.close();
      cli.close();
      device.close();
    }
  });

  it('removing an operator revokes every connection it holds', async () => {
    const id = await fx.addOperator('olga', 'viewer');
    const first = await connectOperator({ relay: fx.url, identity: id });
    const second = await connectOperator({ relay: fx.url, identity: id });
    const closed = [first, second].map((c) => new Promise<RelayError>((resolve) => c.onClose(resolve)));
    await fx.admin.request('operators.remove', { name: 'olga' });
    assert.deepEqual(
      (await Promise.all(closed)).map((why) => why.code),
      ['REVOKED', 'REVOKED'],
    );
  });

  it('replaces a device’s older connection when it connects again, and routes to the new one', async () => {
    const id = await fx.addDevice('pump-twin');
    const old = await echoDevice(id, 'old');
    const fresh = await echoDevice(id, 'new');
    try {
      const why = await old.closed;
      assert.equal(why.code, 'REPLACED');
      assert.equal(why.closeCode, 4041);
      await refusedWith(old.request('whoami'), 'REPLACED');
      assert.equal(await echoes(fx.admin, 'pump-twin', 'hi'), 'new:hi');
    } finally {
      fresh.close();
    }
  });

  it('opens an end-to-end channel in a fleet too big for one devices.list reply (60 devices)', async () => {
    const ids: Identity[] = [];
    for (let i = 0; i < 60; i++) {
      const id = generateIdentity();
      const tags = { site: 'lab-north', hw: 'stm32u585-rev-b', ring: i < 6 ? 'canary' : 'stable' };
      await fx.admin.request('devices.add', {
        name: `fleet-${String(i).padStart(2, '0')}`,
        publicKey: id.publicKeyText,
        tags,
      });
      ids.push(id);
    }
    // The premise: the whole fleet no longer fits one control frame.
    await refusedWith(fx.admin.request('devices.list'), 'FRAME_TOO_LARGE');
    const device = await echoDevice(ids[59]);
    const debuggerId = await fx.addOperator('dana', 'debugger');
    const client = await connectOperator({ relay: fx.url, identity: debuggerId });
    try {
      assert.equal(await echoes(client, 'fleet-59', '$g#67'), 'echo:$g#67');
      const info = await client.request('devices.get', { name: 'fleet-59' });
      assert.equal(info.publicKey, ids[59].publicKeyText);
      assert.equal(info.online, true);
      await refusedWith(client.request('devices.get', { name: 'fleet-60' }), 'NOT_FOUND');
      await refusedWith(client.openChannel('fleet-60', 'rsp'), 'DEVICE_UNKNOWN');
    } finally {
      client.close();
      device.close();
    }
  });

  it('opening a channel to an unknown device fails with DEVICE_UNKNOWN, to an offline one with DEVICE_OFFLINE', async () => {
    await refusedWith(fx.admin.openChannel('nobody', 'rsp'), 'DEVICE_UNKNOWN');
    await fx.addDevice('sleeper');
    await refusedWith(fx.admin.openChannel('sleeper', 'rsp'), 'DEVICE_OFFLINE');
    await refusedWith(fx.admin.openChannel('sleeper', 'logs'), 'DEVICE_OFFLINE');
  });
});
