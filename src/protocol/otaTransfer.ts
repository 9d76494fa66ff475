// Messages on an `ota` channel: length-prefixed JSON control messages and binary image chunks. Pure codec.
import { isInt, isRecord } from './json';
import { parseSignedManifest, type Manifest } from './manifest';
import { OTA_DEVICE_STATES, type OtaDeviceState } from './deployState';
import { isOtaErrorCode, type OtaErrorCode } from './otaErrors';

/** Frame kinds inside the channel's byte stream: `u8 kind | u32 BE body length | body`. */
export enum OtaFrameKind {
  MESSAGE = 0x01,
  CHUNK = 0x02,
}

/** Bytes before every body: kind u8 + length u32 BE. */
export const OTA_FRAME_HEADER = 5;
/** Largest JSON message body. */
export const MAX_OTA_MESSAGE = 8 * 1024;
/** Image bytes per chunk the sender uses; chunks carry `u32 BE offset` before the bytes. */
export const OTA_CHUNK_SIZE = 8 * 1024;
/** Largest chunk payload a receiver accepts (senders may use up to this). */
export const MAX_OTA_CHUNK = 32 * 1024;

/** Re-exported for the ota channel's users: the phases a status message carries. */
export type { OtaDeviceState };

/** The health policy an offer carries (deployment settings, not part of the signed manifest). */
export interface HealthPolicy {
  /** Regular expression source matched case-insensitively against UART lines; default `\bready\b`. */
  ready?: string;
  /** How long the trial boot may take to print the ready line. */
  healthTimeoutMs?: number;
}

/** Sender → device: update to this signed image. */
export interface OfferMessage extends HealthPolicy {
  t: 'offer';
  deploymentId: string;
  manifest: Manifest;
  signature: string;
}
/** Device → sender: send image bytes from `offset` (what it already holds for this sha256). */
export interface WantMessage {
  t: 'want';
  imageSha256: string;
  offset: number;
}
/** Device → sender: bytes up to `offset` are on the device's disk (frees the sender's window). */
export interface AckMessage {
  t: 'ack';
  offset: number;
}
/** Device → sender: the update entered a phase; failed/rolled_back carry a code and a one-line reason. */
export interface StatusMessage {
  t: 'status';
  state: OtaDeviceState;
  code?: OtaErrorCode;
  reason?: string;
  version?: string;
  buildId?: string;
}
/** Sender → device: stop this update if it has not started installing. */
export interface CancelMessage {
  t: 'cancel';
  reason: string;
}

/** Every JSON message on an `ota` channel. */
export type OtaMessage = OfferMessage | WantMessage | AckMessage | StatusMessage | CancelMessage;

/** One image chunk: `data` goes at byte `offset` of the image. */
export interface OtaChunk {
  offset: number;
  data: Buffer;
}

/** A decoded frame. */
export type OtaFrame = { kind: 'message'; message: OtaMessage } | { kind: 'chunk'; chunk: OtaChunk };

/** A decoding failure: the receiver reports TRANSFER_ERROR/MANIFEST_* and closes the channel. */
export interface OtaDecodeError {
  code: OtaErrorCode;
  reason: string;
}

const DEPLOYMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

function frame(kind: OtaFrameKind, body: Buffer): Buffer {
  const head = Buffer.alloc(OTA_FRAME_HEADER);
  head.writeUInt8(kind, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Encodes a JSON message frame. Throws RangeError when it would exceed MAX_OTA_MESSAGE (a caller bug). */
export function encodeOtaMessage(message: OtaMessage): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > MAX_OTA_MESSAGE) throw new RangeError(`ota message of ${body.length} bytes`);
  return frame(OtaFrameKind.MESSAGE, body);
}

/** Encodes a chunk frame. Throws RangeError for more than MAX_OTA_CHUNK bytes (a caller bug). */
export function encodeOtaChunk(offset: number, data: Uint8Array): Buffer {
  if (data.length > MAX_OTA_CHUNK || data.length === 0) throw new RangeError(`ota chunk of ${data.length} bytes`);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(offset, 0);
  return frame(OtaFrameKind.CHUNK, Buffer.concat([head, data]));
}

function policy(json: Record<string, unknown>): HealthPolicy | string {
  const out: HealthPolicy = {};
  if (json.ready !== undefined) {
    if (typeof json.ready !== 'string' || json.ready.length === 0 || json.ready.length > 256)
      return 'offer ready must be a regular expression of 1-256 characters';
    try {
      new RegExp(json.ready, 'i');
    } catch {
      return 'offer ready is not a valid regular expression';
    }
    out.ready = json.ready;
  }
  if (json.healthTimeoutMs !== undefined) {
    if (!isInt(json.healthTimeoutMs, 1000, 3_600_000)) return 'offer healthTimeoutMs must be 1000..3600000';
    out.healthTimeoutMs = json.healthTimeoutMs;
  }
  return out;
}

/** Validates one JSON message strictly (unknown `t`, missing or mistyped fields fail). */
export function parseOtaMessage(json: unknown): { ok: true; message: OtaMessage } | ({ ok: false } & OtaDecodeError) {
  const fail = (reason: string, code: OtaErrorCode = 'TRANSFER_ERROR') => ({ ok: false as const, code, reason });
  if (!isRecord(json)) return fail('ota message is not an object');
  switch (json.t) {
    case 'offer': {
      if (typeof json.deploymentId !== 'string' || !DEPLOYMENT_ID.test(json.deploymentId))
        return fail('offer deploymentId must be 1-64 characters of [A-Za-z0-9_-]');
      const signed = parseSignedManifest({ manifest: json.manifest, signature: json.signature });
      if (!signed.ok) return fail(signed.message, signed.code);
      const health = policy(json);
      if (typeof health === 'string') return fail(health);
      return { ok: true, message: { t: 'offer', deploymentId: json.deploymentId, ...signed.value, ...health } };
    }
    case 'want':
      if (typeof json.imageSha256 !== 'string' || !HEX64.test(json.imageSha256)) return fail('want imageSha256');
      if (!isInt(json.offset, 0, 0xffffffff)) return fail('want offset');
      return { ok: true, message: { t: 'want', imageSha256: json.imageSha256, offset: json.offset } };
    case 'ack':
      if (!isInt(json.offset, 0, 0xffffffff)) return fail('ack offset');
      return { ok: true, message: { t: 'ack', offset: json.offset } };
    case 'cancel':
      return {
        ok: true,
        message: { t: 'cancel', reason: typeof json.reason === 'string' ? json.reason.slice(0, 200) : '' },
      };
    case 'status': {
      if (typeof json.state !== 'string' || !(OTA_DEVICE_STATES as readonly string[]).includes(json.state))
        return fail('status state');
      const msg: StatusMessage = { t: 'status', state: json.state as OtaDeviceState };
      if (json.code !== undefined) {
        if (!isOtaErrorCode(json.code)) return fail('status code');
        msg.code = json.code;
      }
      for (const key of ['reason', 'version', 'buildId'] as const) {
        const v = json[key];
        if (v === undefined) continue;
        if (typeof v !== 'string' || v.length > 512) return fail(`status ${key}`);
        msg[key] = v;
      }
      return { ok: true, message: msg };
    }
    default:
      return fail(`unknown ota message ${JSON.stringify(json.t)?.slice(0, 40)}`);
  }
}

/**
 * Incremental decoder for the channel's byte stream: push what arrived, get whole frames back. Channel reads
 * may split or merge frames anywhere. After the first error the decoder stays failed.
 */
export class OtaFrameDecoder {
  private buffered: Buffer[] = [];
  private length = 0;
  private failed: OtaDecodeError | undefined;

  /** Feeds bytes; returns the complete frames they finish, or the error that breaks the stream. */
  push(bytes: Uint8Array): { frames: OtaFrame[]; error?: OtaDecodeError } {
    const frames: OtaFrame[] = [];
    if (this.failed) return { frames, error: this.failed };
    this.buffered.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.length += bytes.byteLength;
    let data = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.length);
    while (data.length >= OTA_FRAME_HEADER) {
      const kind = data.readUInt8(0);
      const size = data.readUInt32BE(1);
      const limit = kind === OtaFrameKind.CHUNK ? MAX_OTA_CHUNK + 4 : MAX_OTA_MESSAGE;
      if (kind !== OtaFrameKind.CHUNK && kind !== OtaFrameKind.MESSAGE)
        return this.fail(frames, `unknown ota frame kind ${kind}`);
      if (size > limit) return this.fail(frames, `ota frame of ${size} bytes exceeds ${limit}`);
      if (data.length < OTA_FRAME_HEADER + size) break;
      const body = data.subarray(OTA_FRAME_HEADER, OTA_FRAME_HEADER + size);
      data = data.subarray(OTA_FRAME_HEADER + size);
      if (kind === OtaFrameKind.CHUNK) {
        if (size <= 4) return this.fail(frames, 'empty ota chunk');
        frames.push({ kind: 'chunk', chunk: { offset: body.readUInt32BE(0), data: Buffer.from(body.subarray(4)) } });
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch {
        return this.fail(frames, 'ota message is not UTF-8 JSON');
      }
      const parsed = parseOtaMessage(json);
      if (!parsed.ok) return this.fail(frames, parsed.reason, parsed.code);
      frames.push({ kind: 'message', message: parsed.message });
    }
    this.buffered = data.length > 0 ? [Buffer.from(data)] : [];
    this.length = data.length;
    return { frames };
  }

  private fail(frames: OtaFrame[], reason: string, code: OtaErrorCode = 'TRANSFER_ERROR') {
    this.failed = { code, reason };
    this.buffered = [];
    this.length = 0;
    return { frames, error: this.failed };
  }
}

/**
 * How many unacknowledged image bytes a sender may have in flight: 4 % of the image, at least 32 KiB and at
 * most 256 KiB (the channel's credit window). Bytes in flight are what a link drop can waste, so this bounds
 * the bytes sent for an image cut off once at ≤ 1.04 × its size (for images ≥ 800 KiB), while a window of
 * 40 KiB still fills a 2 Mbit/s link at 150 ms RTT.
 */
export function transferWindow(imageSize: number): number {
  const window = Math.floor((imageSize * 4) / 100);
  return Math.min(256 * 1024, Math.max(32 * 1024, window));
}
