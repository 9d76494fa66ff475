// Sequence-numbered messages for stream load tests: each carries its stream, number, send time and a payload derived
// from both, so a receiver tells a lost, reordered, duplicated, altered or misrouted message from a good one.
import { seededRandom } from '../../test/helpers/seededRandom';

/** u32 whole length, u32 stream, u32 seq, f64 send time (performance.now(), ms). */
export const SEQ_HEADER = 20;
/** Every 64th message is this large or more: bigger than one DATA frame, so it crosses a frame boundary. */
const BIG_SIZE = 70_000;
const pattern = (() => {
  const random = seededRandom(0x5eed);
  const bytes = Buffer.alloc(256 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
})();

function mix(stream: number, seq: number): number {
  let h = Math.imul(stream ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seq + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** Payload bytes of message `seq` of `stream`: mostly 16 B to 2 KiB, every 64th about 70 KB. */
export function payloadSize(stream: number, seq: number): number {
  const h = mix(stream, seq);
  return h % 64 === 0 ? BIG_SIZE + (h % 4096) : 16 + (h % 2033);
}

function payloadOf(stream: number, seq: number, size: number): Buffer {
  const at = mix(seq, stream) % (pattern.length - size);
  return pattern.subarray(at, at + size);
}

/** Message `seq` of `stream`, stamped with `sentAtMs` (performance.now() of the process that receives it too). */
export function encodeSeqMessage(stream: number, seq: number, sentAtMs: number): Buffer {
  const size = payloadSize(stream, seq);
  const msg = Buffer.allocUnsafe(SEQ_HEADER + size);
  msg.writeUInt32BE(SEQ_HEADER + size, 0);
  msg.writeUInt32BE(stream, 4);
  msg.writeUInt32BE(seq, 8);
  msg.writeDoubleBE(sentAtMs, 12);
  payloadOf(stream, seq, size).copy(msg, SEQ_HEADER);
  return msg;
}

/** What one receiver saw of one stream. */
export interface SeqVerdict {
  stream: number;
  sent: number;
  received: number;
  /** Sent but never received. */
  lost: number;
  /** Received again after an earlier copy. */
  duplicated: number;
  /** Received after a later message of the same stream. */
  reordered: number;
  /** Wrong length, wrong stream, unknown sequence number or payload bytes that differ from what was sent. */
  corrupted: number;
}

/**
 * The receiving end of one stream: parses messages from the byte stream however it is cut, checks each against
 * what the sender must have sent, and keeps one latency sample (ms) per message.
 */
export class SeqReceiver {
  received = 0;
  bytes = 0;
  duplicated = 0;
  reordered = 0;
  corrupted = 0;
  readonly latenciesMs: number[] = [];
  private seen = new Uint8Array(1024);
  private highest = -1;
  private unique = 0;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  constructor(readonly stream: number) {}

  /** Bytes as they arrived. */
  push(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    while (this.bufferedBytes >= 4) {
      const head = this.buffered[0].length >= 4 ? this.buffered[0] : Buffer.concat(this.buffered);
      const length = head.readUInt32BE(0);
      if (length < SEQ_HEADER) {
        // The framing itself is broken: nothing after this can be trusted.
        this.corrupted++;
        this.buffered = [];
        this.bufferedBytes = 0;
        return;
      }
      if (this.bufferedBytes < length) return;
      const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
      this.check(all.subarray(0, length));
      const rest = all.subarray(length);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
    }
  }

  /** The verdict once the sender says it sent `sent` messages (0 … sent − 1). */
  verdict(sent: number): SeqVerdict {
    return {
      stream: this.stream,
      sent,
      received: this.received,
      lost: sent - this.unique,
      duplicated: this.duplicated,
      reordered: this.reordered,
      corrupted: this.corrupted + (this.highest >= sent ? 1 : 0) + (this.bufferedBytes > 0 ? 1 : 0),
    };
  }

  /** True once every message up to `sent` − 1 arrived. */
  complete(sent: number): boolean {
    return this.unique >= sent;
  }

  private check(msg: Buffer): void {
    this.received++;
    this.bytes += msg.length;
    const stream = msg.readUInt32BE(4);
    const seq = msg.readUInt32BE(8);
    const size = msg.length - SEQ_HEADER;
    if (
      stream !== this.stream ||
      size !== payloadSize(stream, seq) ||
      !msg.subarray(SEQ_HEADER).equals(payloadOf(stream, seq, size))
    ) {
      this.corrupted++;
      return;
    }
    this.latenciesMs.push(performance.now() - msg.readDoubleBE(12));
    while (seq >= this.seen.length) {
      const grown = new Uint8Array(this.seen.length * 2);
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[seq]) {
      this.duplicated++;
      return;
    }
    this.seen[seq] = 1;
    this.unique++;
    if (seq < this.highest) this.reordered++;
    this.highest = Math.max(this.highest, seq);
  }
}
