// Every bad input of the wire contract against a real relay process: each is refused with its own code, and the relay keeps serving.
import assert from 'node:assert/strict';
import http from 'node:http';
import WebSocket from 'ws';
import { authHeaders, AuthHeader } from '../../src/protocol/auth';
import { CloseCode } from '../../src/protocol/closeCodes';
import { readIdentityFile } from '../../src/common/identityFile';
import {
  controlFrame,
  encodeFrame,
  FrameType,
  HEADER_SIZE,
  MAX_DATA_PAYLOAD,
  MAX_JSON_PAYLOAD,
  type Frame,
} from '../../src/protocol/frame';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { connectRaw, getChallenge, httpGet, signedHeaders, upgrade, type RawPeer } from '../helpers/rawPeer';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

const header = (version: number, type: number, channel: number, payload: Buffer = Buffer.alloc(0)): Buffer => {
  const b = Buffer.alloc(HEADER_SIZE + payload.length);
  b[0] = version;
  b[1] = type;
  b.writeUInt32BE(channel, 2);
  payload.copy(b, HEADER_SIZE);
  return b;
};

const isResponse = (id: number) => (f: Frame) => f.type === FrameType.CONTROL && (f.json as { id?: number }).id === id;

describe('relay: hostile and malformed input', function () {
  let relay: RelayUnderTest;
  let bystander: RawPeer;
  const deviceId = generateIdentity();
  const peers: RawPeer[] = [];

  async function cli(...args: string[]): Promise<string> {
    const r = await runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }

  async function device(): Promise<RawPeer> {
    const id = generateIdentity();
    await cli(
      'device',
      'add',
      `d-${id.publicKeyText.slice(0, 8).replace(/[^A-Za-z0-9]/g, 'x')}`,
      '--pubkey',
      id.publicKeyText,
    );
    const p = await connectRaw(relay, id);
    peers.push(p);
    return p;
  }

  /** Sends `frame` on a fresh authenticated connection and resolves with the code the relay closed it with. */
  async function closeCodeFor(frame: Buffer | string): Promise<number> {
    const p = await device();
    p.ws.send(frame, { binary: typeof frame !== 'string' });
    return (await p.closed).code;
  }

  async function refusal(headers: Record<string, string>): Promise<{ status: number; code: number; body: string }> {
    const out = await upgrade(relay.url, relay.host, headers);
    if (out.ok) {
      out.ws.terminate();
      assert.fail('the relay accepted a connection it should have refused');
    }
    return out;
  }

  before(async () => {
    relay = await startRelayProcess();
    await cli('device', 'add', 'bystander', '--pubkey', deviceId.publicKeyText);
    bystander = await connectRaw(relay, deviceId);
  });
  afterEach(() => peers.splice(0).forEach((p) => p.ws.terminate()));
  after(async () => {
    bystander?.ws.terminate();
    await relay?.stop();
  });

  describe('frames on an authenticated connection', () => {
    it('closes with PROTOCOL_ERROR on a short frame, a text message and bad JSON', async () => {
      assert.equal(await closeCodeFor(Buffer.from([1, 1, 0])), CloseCode.PROTOCOL_ERROR);
      assert.equal(await closeCodeFor('{"id":1,"method":"whoami"}'), CloseCode.PROTOCOL_ERROR);
      assert.equal(
        await closeCodeFor(header(1, FrameType.CONTROL, 0, Buffer.from('{not json'))),
        CloseCode.PROTOCOL_ERROR,
      );
      assert.equal(await closeCodeFor(header(1, FrameType.CONTROL, 3, Buffer.from('{}'))), CloseCode.PROTOCOL_ERROR);
      assert.equal(await closeCodeFor(header(1, FrameType.CONTROL, 0, Buffer.from('[1,2]'))), CloseCode.PROTOCOL_ERROR);
    });

    it('closes with UNSUPPORTED_VERSION on a frame of another version', async () => {
      assert.equal(
        await closeCodeFor(header(2, FrameType.CONTROL, 0, Buffer.from('{}'))),
        CloseCode.UNSUPPORTED_VERSION,
      );
    });

    it('closes with UNKNOWN_FRAME_TYPE on an unknown type', async () => {
      assert.equal(await closeCodeFor(header(1, 0x7f, 0)), CloseCode.UNKNOWN_FRAME_TYPE);
    });

    it('closes with FRAME_TOO_LARGE on an oversized DATA or CONTROL frame', async () => {
      assert.equal(
        await closeCodeFor(header(1, FrameType.DATA, 1, Buffer.alloc(MAX_DATA_PAYLOAD + 1))),
        CloseCode.FRAME_TOO_LARGE,
      );
      const json = Buffer.from(
        JSON.stringify({ id: 1, method: 'whoami', params: { pad: 'x'.repeat(MAX_JSON_PAYLOAD) } }),
      );
      assert.equal(await closeCodeFor(header(1, FrameType.CONTROL, 0, json)), CloseCode.FRAME_TOO_LARGE);
    });

    it('closes with UNKNOWN_CHANNEL on DATA, CREDIT or CLOSE for a channel never opened', async () => {
      assert.equal(
        await closeCodeFor(encodeFrame({ type: FrameType.DATA, channel: 99, data: Buffer.from('x') })),
        CloseCode.UNKNOWN_CHANNEL,
      );
      assert.equal(
        await closeCodeFor(encodeFrame({ type: FrameType.CREDIT, channel: 7, bytes: 10 })),
        CloseCode.UNKNOWN_CHANNEL,
      );
      assert.equal(
        await closeCodeFor(encodeFrame({ type: FrameType.CLOSE, channel: 5, code: 4000, reason: '' })),
        CloseCode.UNKNOWN_CHANNEL,
      );
    });

    it('refuses a viewer opening rsp with FORBIDDEN on that channel and keeps the connection', async () => {
      const viewer = generateIdentity();
      await cli('operator', 'add', 'vic', '--pubkey', viewer.publicKeyText, '--role', 'viewer');
      const v = await connectRaw(relay, viewer);
      peers.push(v);
      v.ws.send(encodeFrame({ type: FrameType.OPEN, channel: 1, json: { kind: 'rsp', device: 'bystander' } }));
      const close = await v.next((f) => f.type === FrameType.CLOSE && f.channel === 1);
      assert.equal(close.type === FrameType.CLOSE && close.code, CloseCode.FORBIDDEN);
      assert.equal(
        bystander.frames.filter((f) => f.type === FrameType.OPEN).length,
        0,
        'the device never saw the OPEN',
      );
      v.ws.send(controlFrame({ id: 9, method: 'whoami' }));
      const who = await v.next(isResponse(9));
      assert.deepEqual((who as { json: unknown }).json, {
        id: 9,
        result: { name: 'vic', role: 'viewer', kind: 'operator' },
      });
      v.ws.send(
        controlFrame({
          id: 10,
          method: 'devices.add',
          params: { name: 'x', publicKey: generateIdentity().publicKeyText },
        }),
      );
      const denied = (await v.next(isResponse(10))) as { json: { error: { code: string } } };
      assert.equal(denied.json.error.code, 'FORBIDDEN');
    });

    it('answers OPEN for unknown and offline devices with DEVICE_UNKNOWN and DEVICE_OFFLINE', async () => {
      // Registered first: the CLI uses the admin key too, and a second connection of one identity replaces the first.
      await cli('device', 'add', 'sleeper', '--pubkey', generateIdentity().publicKeyText);
      const admin = await connectRaw(relay, readIdentityFile(relay.adminKey));
      peers.push(admin);
      admin.ws.send(encodeFrame({ type: FrameType.OPEN, channel: 1, json: { kind: 'logs', device: 'ghost' } }));
      admin.ws.send(encodeFrame({ type: FrameType.OPEN, channel: 3, json: { kind: 'logs', device: 'sleeper' } }));
      const codes = await Promise.all(
        [1, 3].map(async (ch) => {
          const f = await admin.next((x) => x.type === FrameType.CLOSE && x.channel === ch);
          return f.type === FrameType.CLOSE ? f.code : 0;
        }),
      );
      assert.deepEqual(codes, [CloseCode.DEVICE_UNKNOWN, CloseCode.DEVICE_OFFLINE]);
    });

    it('closes an operator that reuses an open channel id or picks an even one', async () => {
      const admin = await connectRaw(relay, readIdentityFile(relay.adminKey));
      admin.ws.send(encodeFrame({ type: FrameType.OPEN, channel: 2, json: { kind: 'logs', device: 'bystander' } }));
      assert.equal((await admin.closed).code, CloseCode.PROTOCOL_ERROR);
    });

    it('closes a device that tries to open a channel itself', async () => {
      assert.equal(
        await closeCodeFor(
          encodeFrame({ type: FrameType.OPEN, channel: 1, json: { kind: 'logs', device: 'bystander' } }),
        ),
        CloseCode.PROTOCOL_ERROR,
      );
    });
  });

  describe('the authenticated upgrade', () => {
    it('refuses missing auth headers with AUTH_REQUIRED (401)', async () => {
      const r = await refusal({ [AuthHeader.protocol]: '1' });
      assert.deepEqual([r.status, r.code], [401, CloseCode.AUTH_REQUIRED]);
      assert.equal(r.body.trim().split('\n').length, 1);
    });

    it('refuses another protocol version with UNSUPPORTED_VERSION (400)', async () => {
      const headers = await signedHeaders(relay, deviceId);
      const r = await refusal({ ...headers, [AuthHeader.protocol]: '2' });
      assert.deepEqual([r.status, r.code], [400, CloseCode.UNSUPPORTED_VERSION]);
    });

    it('refuses a signature by another key, or for another relay host, with BAD_SIGNATURE', async () => {
      const other = generateIdentity();
      const forged = {
        ...authHeaders(other, await getChallenge(relay.httpUrl), relay.host),
        [AuthHeader.key]: deviceId.publicKeyText,
      };
      const r = await refusal(forged);
      assert.deepEqual([r.status, r.code], [401, CloseCode.BAD_SIGNATURE]);
      const elsewhere = authHeaders(deviceId, await getChallenge(relay.httpUrl), 'relay.example.com');
      assert.equal((await refusal(elsewhere)).code, CloseCode.BAD_SIGNATURE);
    });

    it('refuses a replayed, unknown or malformed challenge with CHALLENGE_INVALID', async () => {
      const id = generateIdentity();
      await cli('device', 'add', 'replayed', '--pubkey', id.publicKeyText);
      const headers = await signedHeaders(relay, id);
      const first = await upgrade(relay.url, relay.host, headers);
      assert.ok(first.ok);
      first.ws.terminate();
      assert.equal((await refusal(headers)).code, CloseCode.CHALLENGE_INVALID);
      const unknown = authHeaders(id, Buffer.alloc(32, 7).toString('base64url'), relay.host);
      assert.equal((await refusal(unknown)).code, CloseCode.CHALLENGE_INVALID);
      assert.equal((await refusal({ ...headers, [AuthHeader.challenge]: 'short' })).code, CloseCode.CHALLENGE_INVALID);
    });

    it('refuses a key nobody registered with UNKNOWN_KEY', async () => {
      const r = await refusal(await signedHeaders(relay, generateIdentity()));
      assert.deepEqual([r.status, r.code], [401, CloseCode.UNKNOWN_KEY]);
      assert.match(r.body, /not registered/);
    });

    it('enrolls a device with a token, then refuses the used-up token', async () => {
      const token = await cli('enroll-token', 'create', '--uses', '1', '--tag', 'batch=7');
      const id = generateIdentity();
      const ok = await upgrade(relay.url, relay.host, await signedHeaders(relay, id, { token, name: 'enrolled-1' }));
      assert.ok(ok.ok);
      ok.ws.terminate();
      const listed = JSON.parse(await cli('devices', '--json')) as {
        name: string;
        publicKey: string;
        tags: Record<string, string>;
      }[];
      assert.deepEqual(listed.find((d) => d.name === 'enrolled-1')?.tags, { batch: '7' });
      const again = await refusal(await signedHeaders(relay, generateIdentity(), { token, name: 'enrolled-2' }));
      assert.deepEqual([again.status, again.code], [401, CloseCode.ENROLL_TOKEN_INVALID]);
      // The enrolled key connects later without the token being consulted.
      const back = await upgrade(relay.url, relay.host, await signedHeaders(relay, id, { token, name: 'enrolled-1' }));
      assert.ok(back.ok);
      back.ws.terminate();
    });

    it('refuses an expired or unknown token with ENROLL_TOKEN_INVALID, and a taken name with NAME_TAKEN', async () => {
      const shortLived = await cli('enroll-token', 'create', '--ttl', '1s', '--uses', '5');
      const spare = await cli('enroll-token', 'create', '--uses', '5');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(
        (await refusal(await signedHeaders(relay, generateIdentity(), { token: shortLived }))).code,
        CloseCode.ENROLL_TOKEN_INVALID,
      );
      assert.equal(
        (await refusal(await signedHeaders(relay, generateIdentity(), { token: 'made-up-token' }))).code,
        CloseCode.ENROLL_TOKEN_INVALID,
      );
      const taken = await refusal(await signedHeaders(relay, generateIdentity(), { token: spare, name: 'bystander' }));
      assert.deepEqual([taken.status, taken.code], [401, CloseCode.NAME_TAKEN]);
    });

    it('refuses a malformed keepalive declaration with PROTOCOL_ERROR and a line naming the rule', async () => {
      for (const value of ['2', '86400', 'soon']) {
        const headers = { ...(await signedHeaders(relay, deviceId)), 'x-outpost-keepalive': value };
        const out = await upgrade(relay.url, relay.host, headers);
        assert.ok(!out.ok, value);
        assert.deepEqual(
          [out.status, out.code, out.body],
          [400, CloseCode.PROTOCOL_ERROR, 'x-outpost-keepalive: whole seconds from 5 to 3600\n'],
        );
      }
    });

    it('refuses an upgrade on another path', async () => {
      const out = await upgrade(relay.url, relay.host, await signedHeaders(relay, deviceId), '/v2/connect');
      assert.ok(!out.ok && out.code === CloseCode.PROTOCOL_ERROR);
    });
  });

  describe('after all of it', () => {
    it('is still serving: the bystander device stayed connected and answers, health is ok, failures are counted', async () => {
      assert.equal(bystander.ws.readyState, WebSocket.OPEN);
      bystander.ws.send(controlFrame({ id: 77, method: 'whoami' }));
      const who = (await bystander.next(isResponse(77))) as { json: { result: { kind: string } } };
      assert.equal(who.json.result.kind, 'device');
      assert.equal((await httpGet(relay.httpUrl, '/healthz')).status, 200);
      const metrics = (await httpGet(relay.httpUrl, '/metrics')).body;
      for (const code of [
        'BAD_SIGNATURE',
        'CHALLENGE_INVALID',
        'UNKNOWN_KEY',
        'ENROLL_TOKEN_INVALID',
        'UNSUPPORTED_VERSION',
      ]) {
        assert.match(metrics, new RegExp(`^outpost_handshake_failures_total\\{code="${code}"\\} [1-9]`, 'm'), code);
      }
      assert.equal(relay.process.child.exitCode, null, 'relay process still running');
      assert.doesNotMatch(relay.process.stderr(), new RegExp(deviceId.publicKeyText));
    });
  });
});

describe('relay: failed-handshake rate limit', function () {
  let relay: RelayUnderTest;
  before(async () => (relay = await startRelayProcess()));
  after(async () => await relay?.stop());

  /** GET /v1/challenge from `localAddress`; a refused one yields a made-up challenge (the upgrade is refused anyway). */
  const challengeFrom = (localAddress: string): Promise<string> =>
    new Promise((resolve, reject) => {
      http
        .get(`${relay.httpUrl}/v1/challenge`, { localAddress }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () =>
            resolve(
              res.statusCode === 200
                ? (JSON.parse(body) as { challenge: string }).challenge
                : Buffer.alloc(32).toString('base64url'),
            ),
          );
        })
        .on('error', reject);
    });

  const attempt = async (localAddress: string, identity: Identity): Promise<number> => {
    const challenge = await challengeFrom(localAddress);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${relay.url}/v1/connect`, {
        headers: authHeaders(identity, challenge, relay.host),
        localAddress,
      });
      ws.once('unexpected-response', (_req, r) => {
        r.resume();
        resolve(Number(r.headers[AuthHeader.close]));
      });
      ws.once('open', () => {
        ws.terminate();
        resolve(0);
      });
      ws.once('error', (e) => (ws.readyState === WebSocket.CLOSED ? undefined : reject(e)));
    });
  };

  it('answers RATE_LIMITED (429) to an address that keeps failing, and still serves other addresses', async () => {
    const stranger = generateIdentity();
    const codes: number[] = [];
    for (let i = 0; i < 35; i++) codes.push(await attempt('127.0.0.1', stranger));
    assert.equal(codes[0], CloseCode.UNKNOWN_KEY);
    assert.equal(codes.at(-1), CloseCode.RATE_LIMITED);
    const challenge = await httpGet(relay.httpUrl, '/v1/challenge');
    assert.deepEqual([challenge.status, challenge.close], [429, String(CloseCode.RATE_LIMITED)]);

    const admin = readIdentityFile(relay.adminKey);
    assert.equal(await attempt('127.0.0.2', admin), 0, 'another address is not limited');
  });
});
