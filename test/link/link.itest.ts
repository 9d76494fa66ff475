// The link against a real relay on real sockets: authentication outcomes as typed errors, control calls, RTT, replacement.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect } from '../../src/link/connect';
import { RelayError } from '../../src/link/errors';
import { connectOperator } from '../../src/link/operatorClient';
import { generateIdentity } from '../../src/protocol/identity';
import { startRelayFixture, type RelayFixture } from './relayFixture';

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

  it('tells the older connection it was REPLACED when the same key connects again', async () => {
    const id = await fx.addOperator('otto', 'debugger');
    const first = await connectOperator({ relay: fx.url, identity: id });
    const closed = new Promise<RelayError>((resolve) => first.onClose(resolve));
    const second = await connectOperator({ relay: fx.url, identity: id });
    try {
      const why = await closed;
      assert.equal(why.code, 'REPLACED');
      assert.equal(why.closeCode, 4041);
      assert.deepEqual(await second.request('whoami'), { name: 'otto', role: 'debugger', kind: 'operator' });
      await refusedWith(first.request('whoami'), 'REPLACED');
    } finally {
      second.close();
    }
  });

  it('opening a channel to an unknown device fails with DEVICE_UNKNOWN, to an offline one with DEVICE_OFFLINE', async () => {
    await refusedWith(fx.admin.openChannel('nobody', 'rsp'), 'DEVICE_UNKNOWN');
    await fx.addDevice('sleeper');
    await refusedWith(fx.admin.openChannel('sleeper', 'rsp'), 'DEVICE_OFFLINE');
    await refusedWith(fx.admin.openChannel('sleeper', 'logs'), 'DEVICE_OFFLINE');
  });
});
