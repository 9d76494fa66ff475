// The ota channel codec: frames survive any split of the byte stream, and bad input is a typed error.
import assert from 'node:assert/strict';
import { generateIdentity } from '../../src/protocol/identity';
import { signManifest } from '../../src/protocol/manifest';
import {
  MAX_OTA_CHUNK,
  OtaFrameDecoder,
  encodeOtaChunk,
  encodeOtaMessage,
  transferWindow,
  type OtaFrame,
  type OtaMessage,
} from '../../src/protocol/otaTransfer';

const signed = signManifest(
  {
    imageSha256: '0f'.repeat(32),
    imageSize: 4096,
    buildId: 'deadbeef',
    version: '2.0.0',
    board: 'mps2-an505',
    antiRollback: 1,
  },
  generateIdentity(),
);

const messages: OtaMessage[] = [
  { t: 'offer', deploymentId: 'd-1', ...signed, ready: '\\bready\\b', healthTimeoutMs: 30000 },
  { t: 'want', imageSha256: signed.manifest.imageSha256, offset: 2048 },
  { t: 'ack', offset: 4096 },
  { t: 'status', state: 'rolled_back', code: 'HEALTH_CHECK_FAILED', reason: 'no ready line in 30 s' },
  { t: 'status', state: 'confirmed', version: '2.0.0', buildId: 'deadbeef' },
  { t: 'cancel', reason: 'deployment aborted' },
];

function decodeAll(stream: Buffer, step: number): OtaFrame[] {
  const decoder = new OtaFrameDecoder();
  const out: OtaFrame[] = [];
  for (let i = 0; i < stream.length; i += step) {
    const res = decoder.push(stream.subarray(i, i + step));
    assert.equal(res.error, undefined);
    out.push(...res.frames);
  }
  return out;
}

describe('protocol/otaTransfer', () => {
  it('round-trips every message and chunks whatever the read boundaries', () => {
    const chunk = Buffer.from(Array.from({ length: 3000 }, (_, i) => i & 0xff));
    const stream = Buffer.concat([...messages.map(encodeOtaMessage), encodeOtaChunk(8192, chunk)]);
    for (const step of [1, 7, 64, stream.length]) {
      const frames = decodeAll(stream, step);
      assert.deepEqual(
        frames.slice(0, messages.length).map((f) => (f.kind === 'message' ? f.message : undefined)),
        messages,
      );
      const last = frames[messages.length];
      assert.equal(last.kind, 'chunk');
      if (last.kind === 'chunk') {
        assert.equal(last.chunk.offset, 8192);
        assert.deepEqual(last.chunk.data, chunk);
      }
    }
  });

  it('fails on unknown frame kinds and oversized frames, and stays failed', () => {
    const decoder = new OtaFrameDecoder();
    const res = decoder.push(Buffer.from([9, 0, 0, 0, 1, 0]));
    assert.equal(res.error?.code, 'TRANSFER_ERROR');
    assert.ok(decoder.push(encodeOtaMessage({ t: 'ack', offset: 1 })).error);

    const big = Buffer.alloc(5);
    big.writeUInt8(2, 0);
    big.writeUInt32BE(MAX_OTA_CHUNK + 5, 1);
    assert.match(new OtaFrameDecoder().push(big).error?.reason ?? '', /exceeds/);
  });

  it('rejects malformed messages with a reason', () => {
    const bodies: unknown[] = [
      [],
      { t: 'hello' },
      { t: 'want', imageSha256: 'xyz', offset: 0 },
      { t: 'ack', offset: -1 },
      { t: 'status', state: 'exploded' },
      { t: 'status', state: 'failed', code: 'NOT_A_CODE' },
      { t: 'offer', deploymentId: 'd 1', ...signed },
      { t: 'offer', deploymentId: 'd1', ...signed, ready: '(' },
      { t: 'offer', deploymentId: 'd1', ...signed, healthTimeoutMs: 5 },
    ];
    for (const body of bodies) {
      const raw = Buffer.from(JSON.stringify(body));
      const head = Buffer.from([1, 0, 0, 0, 0]);
      head.writeUInt32BE(raw.length, 1);
      const res = new OtaFrameDecoder().push(Buffer.concat([head, raw]));
      assert.equal(res.frames.length, 0, JSON.stringify(body));
      assert.equal(res.error?.code, 'TRANSFER_ERROR', JSON.stringify(body));
    }
  });

  it('reports a bad manifest in an offer with its manifest error code', () => {
    const offer = { t: 'offer', deploymentId: 'd1', ...signed, manifest: { ...signed.manifest, formatVersion: 9 } };
    const raw = Buffer.from(JSON.stringify(offer));
    const head = Buffer.from([1, 0, 0, 0, 0]);
    head.writeUInt32BE(raw.length, 1);
    assert.equal(new OtaFrameDecoder().push(Buffer.concat([head, raw])).error?.code, 'UNSUPPORTED_FORMAT');
  });

  it('keeps what a drop can waste near 4 % of the image', () => {
    const mib = 1024 * 1024;
    assert.ok(transferWindow(mib) <= 0.05 * mib);
    assert.equal(transferWindow(1000), 32 * 1024);
    assert.equal(transferWindow(64 * mib), 256 * 1024);
  });
});
