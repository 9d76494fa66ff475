// Channel streams back to back through the real frame codec: bytes, backpressure via credit, E2E, and every way a channel ends.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { CloseCode } from '../../src/protocol/closeCodes';
import { acceptOffer, createOffer } from '../../src/protocol/e2e';
import { decodeFrame, FrameType } from '../../src/protocol/frame';
import { generateIdentity } from '../../src/protocol/identity';
import type { ChannelKind } from '../../src/protocol/channels';
import { Channel, type ChannelHost } from '../../src/link/channel';
import { RelayError } from '../../src/link/errors';
import type { Priority } from '../../src/link/scheduler';

type Tap = (frame: Buffer) => Buffer | undefined;

/** Two channels joined by a fake wire that decodes each frame and delivers it on the next tick, like a socket. */
function pair(kind: ChannelKind, encrypted: boolean, tap: Tap = (f) => f) {
  const wire: { frames: Buffer[]; released: number[] } = { frames: [], released: [] };
  const ends: { a?: Channel; b?: Channel } = {};
  const hostFor = (peer: () => Channel): ChannelHost => ({
    sendFrame(frame: Buffer, _priority: Priority) {
      wire.frames.push(frame);
      const forwarded = tap(frame);
      if (!forwarded) return;
      setImmediate(() => {
        const r = decodeFrame(forwarded);
        assert.ok(r.ok);
        const f = r.frame;
        const target = peer();
        if (f.type === FrameType.DATA) target.handleData(f.data);
        else if (f.type === FrameType.CREDIT) target.handleCredit(f.bytes);
        else if (f.type === FrameType.CLOSE) target.handleClose(f.code, f.reason);
      });
    },
    release: (id) => wire.released.push(id),
  });
  let e2eA, e2eB;
  if (encrypted) {
    const op = generateIdentity();
    const dev = generateIdentity();
    const { offer, complete } = createOffer(op, kind, dev.publicKey);
    const acc = acceptOffer(dev, kind, op.publicKey, offer);
    assert.ok(acc.ok);
    const done = complete(acc.value.answer);
    assert.ok(done.ok);
    e2eA = done.value;
    e2eB = acc.value.session;
  }
  const a = (ends.a = new Channel(
    { id: 1, kind, peer: 'dev', e2e: e2eA },
    hostFor(() => ends.b as Channel),
  ));
  const b = (ends.b = new Channel(
    { id: 1, kind, peer: 'alice', e2e: e2eB },
    hostFor(() => ends.a as Channel),
  ));
  return { a, b, wire };
}

async function readAll(ch: Channel): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of ch) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const dataPayloads = (frames: Buffer[]): Buffer[] =>
  frames.flatMap((f) => {
    const r = decodeFrame(f);
    return r.ok && r.frame.type === FrameType.DATA ? [r.frame.data] : [];
  });

describe('channel', () => {
  it('carries a large stream intact in ≤64 KiB DATA frames, closing normally on end()', async () => {
    const { a, b, wire } = pair('ota', false);
    const big = Buffer.alloc(1_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const received = readAll(b);
    a.end(big);
    assert.deepEqual(await received, big);
    assert.ok(dataPayloads(wire.frames).every((p) => p.length <= 65536));
  });

  it('encrypts end to end: the wire never carries the plaintext', async () => {
    const { a, b, wire } = pair('rsp', true);
    const secret = Buffer.from('$M20000000,8:deadbeefcafef00d#00');
    const received = readAll(b);
    a.end(secret);
    assert.deepEqual(await received, secret);
    for (const p of dataPayloads(wire.frames)) assert.equal(p.includes(Buffer.from('deadbeef')), false);
    assert.ok(a.encrypted && b.encrypted);
  });

  it('stops a writer at the credit window until the reader consumes', async () => {
    const { a, b, wire } = pair('ota', false);
    b.pause();
    const chunk = Buffer.alloc(64 * 1024, 1);
    let accepted = 0;
    const writer = (async () => {
      for (let i = 0; i < 16; i++) {
        if (!a.write(chunk)) await once(a, 'drain');
        accepted++;
      }
      a.end();
    })();
    await new Promise((r) => setTimeout(r, 100));
    const sent = dataPayloads(wire.frames).reduce((n, p) => n + p.length, 0);
    assert.equal(sent, 256 * 1024, 'exactly the initial window went out while nobody read');
    assert.ok(accepted < 16, 'the writer was held back');
    const total = readAll(b);
    await writer;
    assert.equal((await total).length, 16 * chunk.length);
  });

  it('closes with E2E_FAILED on both sides when ciphertext is tampered with', async () => {
    const { a, b, wire } = pair('rsp', true, (frame) => {
      const r = decodeFrame(frame);
      if (r.ok && r.frame.type === FrameType.DATA) frame[frame.length - 3] ^= 0x01;
      return frame;
    });
    const bError = once(b, 'error');
    const aError = once(a, 'error');
    a.write(Buffer.from('$g#67'));
    const [eb] = (await bError) as [RelayError];
    assert.equal(eb.code, 'E2E_FAILED');
    const [ea] = (await aError) as [RelayError];
    assert.equal(ea.code, 'E2E_FAILED');
    assert.ok(
      wire.frames.some((f) => {
        const r = decodeFrame(f);
        return r.ok && r.frame.type === FrameType.CLOSE && r.frame.code === CloseCode.E2E_FAILED;
      }),
    );
  });

  it('closes with E2E_FAILED when a chunk is replayed', async () => {
    let first: Buffer | undefined;
    const { a, b } = pair('console', true, (frame) => {
      if (frame[1] !== FrameType.DATA) return frame;
      if (!first) return (first = Buffer.from(frame));
      return first; // the relay sends the first chunk again instead of the second
    });
    const seen: Buffer[] = [];
    b.on('data', (d: Buffer) => seen.push(d));
    a.on('error', () => undefined);
    const err = once(b, 'error');
    a.write(Buffer.from('ls\n'));
    a.write(Buffer.from('rm -rf /\n'));
    const [e] = (await err) as [RelayError];
    assert.equal(e.code, 'E2E_FAILED');
    assert.deepEqual(Buffer.concat(seen).toString(), 'ls\n', 'the replayed chunk was not delivered');
  });

  it('surfaces a peer CLOSE with an error code as a RelayError', async () => {
    const { a, b } = pair('rsp', false);
    const err = once(b, 'error');
    a.on('error', () => undefined);
    a.destroy(RelayError.fromClose(CloseCode.CHANNEL_REFUSED, 'rsp already open'));
    const [e] = (await err) as [RelayError];
    assert.equal(e.code, 'CHANNEL_REFUSED');
    assert.equal(e.closeCode, 4023);
    assert.match(e.message, /rsp already open/);
  });

  it('ends the peer readable side on a normal close and sends exactly one CLOSE', async () => {
    const { a, b, wire } = pair('logs', false);
    const got = readAll(b);
    a.write('line 1\n');
    a.end('line 2\n');
    assert.equal((await got).toString(), 'line 1\nline 2\n');
    if (!b.destroyed) await once(b, 'close');
    const closes = wire.frames.filter((f) => decodeFrame(f).ok && f[1] === FrameType.CLOSE);
    assert.equal(closes.length, 1);
    assert.ok(wire.released.length >= 2, 'both ends released the channel id');
  });
});
