// Hostile upgrade requests against a real relay process: fuzzed auth headers, slow-loris, oversized heads and messages.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { AuthHeader } from '../../src/protocol/auth';
import { CloseCode } from '../../src/protocol/closeCodes';
import { controlFrame, FrameType, type Frame } from '../../src/protocol/frame';
import { generateIdentity } from '../../src/protocol/identity';
import { runOutpost } from '../helpers/outpostCli';
import { connectRaw, signedHeaders, type RawPeer } from '../helpers/rawPeer';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';
import { seededRandom } from '../helpers/seededRandom';

/** What the relay answered a raw HTTP request: status and x-outpost-close, or `cut` when it closed without an answer. */
type RawAnswer = { status: number; close: string | undefined } | 'cut';

/** Bytes an HTTP parser accepts in a header value (visible ASCII, space, tab, obs-text), always with a letter. */
function fieldValue(rand: () => number, max: number): string {
  const n = 1 + Math.floor(rand() * max);
  let s = 'z';
  for (let i = 0; i < n; i++) {
    const r = rand();
    s += String.fromCharCode(
      r < 0.8 ? 0x21 + Math.floor(rand() * 94) : r < 0.9 ? 0x80 + Math.floor(rand() * 128) : 0x20,
    );
  }
  return s.trimEnd();
}

/** Sends `head` (a whole request head, or its first part) from `localAddress` and reads the answer's head. */
function rawRequest(relay: RelayUnderTest, head: Buffer, localAddress = '127.0.0.1'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: relay.port, localAddress });
    let got = Buffer.alloc(0);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('close', () => {
      const text = got.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const close = /\r\nx-outpost-close: (\d+)\r\n/i.exec(text);
      resolve(status ? { status: Number(status[1]), close: close?.[1] } : 'cut');
    });
  });
}

function upgradeHead(host: string, headers: [string, string][]): Buffer {
  const lines = [
    'GET /v1/connect HTTP/1.1',
    `Host: ${host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    ...headers.map(([k, v]) => `${k}: ${v}`),
  ];
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

const isResponse = (id: number) => (f: Frame) => f.type === FrameType.CONTROL && (f.json as { id?: number }).id === id;

describe('relay: hostile upgrade requests', function () {
  let relay: RelayUnderTest;
  let bystander: RawPeer;
  const deviceId = generateIdentity();
  let whoamiId = 100;

  async function bystanderAnswers(): Promise<void> {
    assert.equal(bystander.ws.readyState, WebSocket.OPEN, 'bystander device still connected');
    const id = ++whoamiId;
    bystander.ws.send(controlFrame({ id, method: 'whoami' }));
    await bystander.next(isResponse(id));
  }

  before(async () => {
    relay = await startRelayProcess();
    const r = await runOutpost([
      'device',
      'add',
      'bystander',
      '--pubkey',
      deviceId.publicKeyText,
      '--relay',
      relay.url,
      '--key',
      relay.adminKey,
    ]);
    assert.equal(r.code, 0, r.stderr);
    bystander = await connectRaw(relay, deviceId);
  });
  after(async () => {
    bystander?.ws.terminate();
    await relay?.stop();
  });

  it('answers 200 fuzzed x-outpost-* headers each with an HTTP error and x-outpost-close, and keeps serving', async () => {
    const seed = Date.now() >>> 0;
    const rand = seededRandom(seed);
    const mutable = [AuthHeader.key, AuthHeader.challenge, AuthHeader.signature, AuthHeader.protocol];
    for (let i = 0; i < 200; i++) {
      const valid = Object.entries(await signedHeaders(relay, deviceId));
      const headers = valid.map(([k, v]): [string, string] => [k, v]);
      const target = mutable[Math.floor(rand() * mutable.length)];
      const at = headers.findIndex(([k]) => k === target);
      const how = Math.floor(rand() * 5);
      const original = at >= 0 ? headers[at][1] : '';
      if (how === 0 && at >= 0 && target !== AuthHeader.protocol) headers.splice(at, 1);
      else if (how === 1 && at >= 0) headers[at][1] = original.slice(0, Math.floor(rand() * original.length)) + '~';
      else if (how === 2 && at >= 0) headers.push([target, fieldValue(rand, 40)]);
      else if (how === 3) headers.push([`x-outpost-${fieldValue(rand, 8).replace(/[^a-z]/g, '') || 'q'}`, '1']);
      if (how >= 3 || at < 0 || how === 0) {
        // Every case must break the handshake: also replace one auth value with noise.
        const j = headers.findIndex(([k]) => k === AuthHeader.signature || k === AuthHeader.key);
        if (j >= 0) headers[j][1] = fieldValue(rand, 200);
      }
      // A spread of loopback source addresses keeps the failure limiter out of the way of the parser under test.
      const answer = await rawRequest(relay, upgradeHead(relay.host, headers), `127.0.0.${2 + (i % 200)}`);
      const label = `seed ${seed} case ${i}: ${JSON.stringify(headers.filter(([k]) => k.startsWith('x-outpost')))}`;
      assert.notEqual(answer, 'cut', label);
      if (answer === 'cut') return;
      assert.ok(answer.status >= 400 && answer.status < 500, label);
      assert.match(answer.close ?? '', /^4\d{3}$/, label);
    }
    await bystanderAnswers();
    assert.equal(relay.process.child.exitCode, null, 'relay process still running');
  });

  it('cuts off a client that dribbles its upgrade request byte by byte (slow-loris), and keeps serving', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: relay.port });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => socket.destroy());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let open = true;
    void closed.then(() => (open = false));
    const head = upgradeHead(relay.host, []).subarray(0, -2);
    // Bounded: 120 bytes at one every 250 ms is 30 s, three times the relay's header timeout.
    for (let i = 0; i < 120 && open; i++) {
      socket.write(head.subarray(i % head.length, (i % head.length) + 1));
      await new Promise((r) => setTimeout(r, 250));
    }
    const wasOpen = open;
    socket.destroy();
    assert.equal(wasOpen, false, 'the relay never cut the dribbling client');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, new RegExp(`x-outpost-close: ${CloseCode.PROTOCOL_ERROR}\\r\\n`, 'i'));
    assert.match(answer, /request head too slow/);
    await bystanderAnswers();
  });

  it('refuses an upgrade request whose head is over 16 KiB with PROTOCOL_ERROR (400)', async () => {
    const answer = await rawRequest(relay, upgradeHead(relay.host, [['x-outpost-padding', 'a'.repeat(20_000)]]));
    assert.deepEqual(answer, { status: 400, close: String(CloseCode.PROTOCOL_ERROR) });
    await bystanderAnswers();
  });

  it('closes a connection that sends a WebSocket message over 1 MiB with 1009 (message too big)', async () => {
    const id = generateIdentity();
    const r = await runOutpost([
      'device',
      'add',
      'oversize',
      '--pubkey',
      id.publicKeyText,
      '--relay',
      relay.url,
      '--key',
      relay.adminKey,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const peer = await connectRaw(relay, id);
    peer.ws.on('error', () => undefined);
    peer.ws.send(Buffer.alloc(1024 * 1024 + 1));
    assert.equal((await peer.closed).code, 1009);
    await bystanderAnswers();
  });
});
