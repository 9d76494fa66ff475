// Frame codec: round trips of every type, and each malformed input of the contract mapped to its close code.
import assert from 'node:assert/strict';
import { CloseCode } from '../../src/protocol/closeCodes';
import {
  closeFrame,
  controlFrame,
  creditFrame,
  dataFrame,
  decodeFrame,
  encodeFrame,
  FrameType,
  HEADER_SIZE,
  MAX_DATA_PAYLOAD,
  MAX_JSON_PAYLOAD,
  truncateUtf8,
  type Frame,
} from '../../src/protocol/frame';

function decoded(buf: Buffer): Frame {
  const r = decodeFrame(buf);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.frame;
}

function rejected(buf: Uint8Array, code: CloseCode): void {
  const r = decodeFrame(buf);
  assert.equal(r.ok, false, 'frame should be rejected');
  if (!r.ok) assert.equal(r.code, code, r.reason);
}

function raw(version: number, type: number, channel: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  b[0] = version;
  b[1] = type;
  b.writeUInt32BE(channel, 2);
  return Buffer.concat([b, payload]);
}

describe('frame codec', () => {
  it('lays out the header as version, type, channel (BE)', () => {
    const buf = dataFrame(0x01020304, Buffer.from('hi'));
    assert.deepEqual([...buf], [1, 4, 1, 2, 3, 4, 0x68, 0x69]);
  });

  it('round-trips every frame type', () => {
    const frames: Frame[] = [
      { type: FrameType.CONTROL, channel: 0, json: { id: 1, method: 'whoami', params: {} } },
      { type: FrameType.OPEN, channel: 3, json: { kind: 'rsp', device: 'dev-1' } },
      { type: FrameType.OPEN_OK, channel: 3, json: {} },
      { type: FrameType.DATA, channel: 3, data: Buffer.from([0, 1, 2, 255]) },
      { type: FrameType.CREDIT, channel: 0xffffffff, bytes: 0xfffffffe },
      { type: FrameType.CLOSE, channel: 5, code: CloseCode.CHANNEL_REFUSED, reason: 'rsp already open — détaché' },
      { type: FrameType.PING, channel: 0, timestampUs: 1234567890123n, opaque: Buffer.from('x') },
      { type: FrameType.PONG, channel: 0, timestampUs: 2n ** 64n - 1n, opaque: Buffer.alloc(0) },
    ];
    for (const f of frames) assert.deepEqual(decoded(encodeFrame(f)), f);
  });

  it('accepts a DATA payload of exactly 64 KiB and JSON of exactly 16 KiB', () => {
    const data = decoded(dataFrame(1, Buffer.alloc(MAX_DATA_PAYLOAD, 7)));
    assert.equal(data.type === FrameType.DATA && data.data.length, MAX_DATA_PAYLOAD);
    const json = Buffer.from(JSON.stringify('a'.repeat(MAX_JSON_PAYLOAD - 2)));
    assert.equal(json.length, MAX_JSON_PAYLOAD);
    assert.equal(decoded(raw(1, FrameType.CONTROL, 0, json)).type, FrameType.CONTROL);
  });

  it('rejects short frames', () => {
    rejected(Buffer.alloc(0), CloseCode.PROTOCOL_ERROR);
    rejected(Buffer.from([1, 4, 0, 0, 1]), CloseCode.PROTOCOL_ERROR);
  });

  it('rejects a wrong version before anything else', () => {
    rejected(raw(2, FrameType.DATA, 1), CloseCode.UNSUPPORTED_VERSION);
    rejected(raw(0, 0xee, 1), CloseCode.UNSUPPORTED_VERSION);
  });

  it('rejects unknown frame types', () => {
    for (const t of [0, 9, 0x7f, 0xff]) rejected(raw(1, t, 1), CloseCode.UNKNOWN_FRAME_TYPE);
  });

  it('rejects oversized frames', () => {
    rejected(raw(1, FrameType.DATA, 1, Buffer.alloc(MAX_DATA_PAYLOAD + 1)), CloseCode.FRAME_TOO_LARGE);
    rejected(raw(1, FrameType.CONTROL, 0, Buffer.alloc(MAX_JSON_PAYLOAD + 1, 0x20)), CloseCode.FRAME_TOO_LARGE);
    rejected(raw(1, FrameType.OPEN, 1, Buffer.alloc(MAX_JSON_PAYLOAD + 1, 0x20)), CloseCode.FRAME_TOO_LARGE);
  });

  it('rejects bad JSON and bad UTF-8', () => {
    rejected(raw(1, FrameType.CONTROL, 0, Buffer.from('{"id":')), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.OPEN, 1, Buffer.alloc(0)), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.OPEN_OK, 1, Buffer.from([0x7b, 0xff, 0x7d])), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.CLOSE, 1, Buffer.from([0x0f, 0xa0, 0xc3])), CloseCode.PROTOCOL_ERROR);
  });

  it('rejects malformed fixed-size payloads', () => {
    rejected(raw(1, FrameType.CREDIT, 1, Buffer.alloc(3)), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.CREDIT, 1, Buffer.alloc(5)), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.CLOSE, 1, Buffer.alloc(1)), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.PING, 0, Buffer.alloc(7)), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.PONG, 0, Buffer.alloc(0)), CloseCode.PROTOCOL_ERROR);
  });

  it('rejects frames on the wrong channel', () => {
    rejected(raw(1, FrameType.CONTROL, 1, Buffer.from('{}')), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.PING, 7, Buffer.alloc(8)), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.DATA, 0, Buffer.from('x')), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.OPEN, 0, Buffer.from('{}')), CloseCode.PROTOCOL_ERROR);
    rejected(raw(1, FrameType.CLOSE, 0, Buffer.from([0x0f, 0xa0])), CloseCode.PROTOCOL_ERROR);
  });

  it('decodes from a Uint8Array view with an offset', () => {
    const backing = new Uint8Array(32);
    const frame = creditFrame(9, 1000);
    backing.set(frame, 5);
    const f = decoded(Buffer.from(backing.subarray(5, 5 + frame.length)));
    assert.deepEqual(f, { type: FrameType.CREDIT, channel: 9, bytes: 1000 });
    const g = decodeFrame(backing.subarray(5, 5 + frame.length));
    assert.ok(g.ok && g.frame.type === FrameType.CREDIT && g.frame.bytes === 1000);
  });

  it('refuses to encode oversized payloads or bad channel ids (caller bugs)', () => {
    assert.throws(() => dataFrame(1, Buffer.alloc(MAX_DATA_PAYLOAD + 1)), RangeError);
    assert.throws(() => controlFrame({ big: 'x'.repeat(MAX_JSON_PAYLOAD) }), RangeError);
    assert.throws(() => dataFrame(-1, Buffer.alloc(1)), RangeError);
    assert.throws(() => dataFrame(2 ** 32, Buffer.alloc(1)), RangeError);
  });

  it('cuts long CLOSE reasons without splitting characters', () => {
    const f = decoded(closeFrame(1, CloseCode.NORMAL, 'é'.repeat(100)));
    assert.ok(f.type === FrameType.CLOSE);
    assert.equal(f.reason, 'é'.repeat(60));
    assert.equal(truncateUtf8('aé', 2), 'a');
  });
});
