// Frame codec: the 6-byte header and the type-specific payloads of one WebSocket binary message. Pure, never throws on input.
import { CloseCode } from './closeCodes';

/** Wire protocol version carried in every frame and in the `x-outpost-protocol` header. */
export const PROTOCOL_VERSION = 1;
/** Bytes before the payload: version u8, type u8, channel u32 BE. */
export const HEADER_SIZE = 6;
/** Largest DATA payload (64 KiB); a DATA frame is at most this plus the header. */
export const MAX_DATA_PAYLOAD = 64 * 1024;
/** Largest payload of every other frame type (CONTROL/OPEN/OPEN_OK JSON, CLOSE reason, PING opaque). */
export const MAX_JSON_PAYLOAD = 16 * 1024;
/** Largest WebSocket message a peer accepts; give this to ws as `maxPayload`. */
export const MAX_FRAME = HEADER_SIZE + MAX_DATA_PAYLOAD;
/** Largest channel id (u32). */
export const MAX_CHANNEL_ID = 0xffffffff;

/** Frame types (byte 1 of the header). */
export enum FrameType {
  CONTROL = 0x01,
  OPEN = 0x02,
  OPEN_OK = 0x03,
  DATA = 0x04,
  CREDIT = 0x05,
  CLOSE = 0x06,
  PING = 0x07,
  PONG = 0x08,
}

/** A decoded frame. JSON payloads are parsed but not yet validated (see control.ts). */
export type Frame =
  | { type: FrameType.CONTROL; channel: 0; json: unknown }
  | { type: FrameType.OPEN; channel: number; json: unknown }
  | { type: FrameType.OPEN_OK; channel: number; json: unknown }
  | { type: FrameType.DATA; channel: number; data: Buffer }
  | { type: FrameType.CREDIT; channel: number; bytes: number }
  | { type: FrameType.CLOSE; channel: number; code: number; reason: string }
  | { type: FrameType.PING; channel: 0; timestampUs: bigint; opaque: Buffer }
  | { type: FrameType.PONG; channel: 0; timestampUs: bigint; opaque: Buffer };

/** What decodeFrame returns: the frame, or the close code the receiver must close the connection with. */
export type DecodeResult = { ok: true; frame: Frame } | { ok: false; code: CloseCode; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: CloseCode, reason: string): DecodeResult {
  return { ok: false, code, reason };
}

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(payload)) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Decodes one WebSocket binary message. Never throws: any malformed input yields `{ok: false, code}` with the
 * close code of the contract (wrong version, unknown type, short or oversized frame, bad JSON, bad channel).
 * DATA/PING/PONG payload buffers are views into `message`; copy them if the message buffer is reused.
 */
export function decodeFrame(message: Uint8Array): DecodeResult {
  const buf = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (buf.length < HEADER_SIZE) return fail(CloseCode.PROTOCOL_ERROR, `short frame (${buf.length} bytes)`);
  if (buf[0] !== PROTOCOL_VERSION) return fail(CloseCode.UNSUPPORTED_VERSION, `frame version ${buf[0]}`);
  const type = buf[1];
  const channel = buf.readUInt32BE(2);
  const payload = buf.subarray(HEADER_SIZE);
  if (typeof FrameType[type] !== 'string') return fail(CloseCode.UNKNOWN_FRAME_TYPE, `frame type ${type}`);
  const limit = type === FrameType.DATA ? MAX_DATA_PAYLOAD : MAX_JSON_PAYLOAD;
  if (payload.length > limit)
    return fail(CloseCode.FRAME_TOO_LARGE, `${FrameType[type]} payload ${payload.length} bytes`);
  const onControl = type === FrameType.CONTROL || type === FrameType.PING || type === FrameType.PONG;
  if (onControl !== (channel === 0)) return fail(CloseCode.PROTOCOL_ERROR, `${FrameType[type]} on channel ${channel}`);

  switch (type as FrameType) {
    case FrameType.CONTROL:
    case FrameType.OPEN:
    case FrameType.OPEN_OK: {
      const parsed = parseJson(payload);
      if (!parsed.ok) return fail(CloseCode.PROTOCOL_ERROR, `${FrameType[type]} payload is not JSON`);
      return { ok: true, frame: { type, channel, json: parsed.value } as Frame };
    }
    case FrameType.DATA:
      return { ok: true, frame: { type: FrameType.DATA, channel, data: payload } };
    case FrameType.CREDIT:
      if (payload.length !== 4) return fail(CloseCode.PROTOCOL_ERROR, `CREDIT payload ${payload.length} bytes`);
      return { ok: true, frame: { type: FrameType.CREDIT, channel, bytes: payload.readUInt32BE(0) } };
    case FrameType.CLOSE: {
      if (payload.length < 2) return fail(CloseCode.PROTOCOL_ERROR, 'CLOSE without a code');
      let reason: string;
      try {
        reason = utf8.decode(payload.subarray(2));
      } catch {
        return fail(CloseCode.PROTOCOL_ERROR, 'CLOSE reason is not UTF-8');
      }
      return { ok: true, frame: { type: FrameType.CLOSE, channel, code: payload.readUInt16BE(0), reason } };
    }
    case FrameType.PING:
    case FrameType.PONG:
      if (payload.length < 8)
        return fail(CloseCode.PROTOCOL_ERROR, `${FrameType[type]} payload ${payload.length} bytes`);
      return {
        ok: true,
        frame: { type, channel: 0, timestampUs: payload.readBigUInt64BE(0), opaque: payload.subarray(8) } as Frame,
      };
  }
  return fail(CloseCode.UNKNOWN_FRAME_TYPE, `frame type ${type}`);
}

function header(type: FrameType, channel: number, payloadLength: number): Buffer {
  if (!Number.isInteger(channel) || channel < 0 || channel > MAX_CHANNEL_ID)
    throw new RangeError(`bad channel id ${channel}`);
  const limit = type === FrameType.DATA ? MAX_DATA_PAYLOAD : MAX_JSON_PAYLOAD;
  if (payloadLength > limit)
    throw new RangeError(`${FrameType[type]} payload of ${payloadLength} bytes exceeds ${limit}`);
  const buf = Buffer.allocUnsafe(HEADER_SIZE + payloadLength);
  buf[0] = PROTOCOL_VERSION;
  buf[1] = type;
  buf.writeUInt32BE(channel, 2);
  return buf;
}

/**
 * Encodes a frame. Throws RangeError only on caller bugs (payload over the limit, bad channel id); callers split
 * DATA into MAX_DATA_PAYLOAD chunks.
 */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.CONTROL:
    case FrameType.OPEN:
    case FrameType.OPEN_OK: {
      const json = Buffer.from(JSON.stringify(frame.json), 'utf8');
      const buf = header(frame.type, frame.channel, json.length);
      json.copy(buf, HEADER_SIZE);
      return buf;
    }
    case FrameType.DATA: {
      const buf = header(frame.type, frame.channel, frame.data.length);
      frame.data.copy(buf, HEADER_SIZE);
      return buf;
    }
    case FrameType.CREDIT: {
      const buf = header(frame.type, frame.channel, 4);
      buf.writeUInt32BE(frame.bytes, HEADER_SIZE);
      return buf;
    }
    case FrameType.CLOSE: {
      const reason = Buffer.from(frame.reason, 'utf8');
      const buf = header(frame.type, frame.channel, 2 + reason.length);
      buf.writeUInt16BE(frame.code, HEADER_SIZE);
      reason.copy(buf, HEADER_SIZE + 2);
      return buf;
    }
    case FrameType.PING:
    case FrameType.PONG: {
      const buf = header(frame.type, 0, 8 + frame.opaque.length);
      buf.writeBigUInt64BE(frame.timestampUs, HEADER_SIZE);
      frame.opaque.copy(buf, HEADER_SIZE + 8);
      return buf;
    }
  }
}

/** A CONTROL frame carrying `message` as JSON. */
export const controlFrame = (message: unknown): Buffer =>
  encodeFrame({ type: FrameType.CONTROL, channel: 0, json: message });
/** A DATA frame. */
export const dataFrame = (channel: number, data: Buffer): Buffer =>
  encodeFrame({ type: FrameType.DATA, channel, data });
/** A CREDIT frame granting `bytes` more to the peer. */
export const creditFrame = (channel: number, bytes: number): Buffer =>
  encodeFrame({ type: FrameType.CREDIT, channel, bytes });
/** A CLOSE frame; the reason is cut to 120 bytes so it stays one short line. */
export const closeFrame = (channel: number, code: number, reason = ''): Buffer =>
  encodeFrame({ type: FrameType.CLOSE, channel, code, reason: truncateUtf8(reason, 120) });

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
