// GDB remote serial protocol framing (pure): a byte stream split into acks, interrupts and packets; packets built.

/** One unit of an RSP byte stream, with the exact bytes it came from so a forwarder can pass it on unchanged. */
export type RspEvent =
  | { readonly type: 'ack' | 'nack' | 'interrupt'; readonly raw: Buffer }
  /** `$payload#cc`; `payload` is as sent (escapes and run-length encoding not undone, see decodePayload). */
  | { readonly type: 'packet'; readonly payload: string; readonly valid: boolean; readonly raw: Buffer }
  /** `%name:…#cc`, a non-stop notification. */
  | { readonly type: 'notification'; readonly payload: string; readonly raw: Buffer }
  /** Bytes outside any packet that mean nothing in RSP (line noise); forwarded as they are. */
  | { readonly type: 'noise'; readonly raw: Buffer };

const enum State {
  Idle,
  Body,
  Sum1,
  Sum2,
}

/** The modulo-256 sum of the payload bytes, as two lowercase hex digits. */
export function checksum(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + (payload.charCodeAt(i) & 0xff)) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** `$payload#cc` for a payload of latin1 characters (the caller escapes `$ # } *` where the packet needs it). */
export function encodePacket(payload: string): Buffer {
  return Buffer.from(`$${payload}#${checksum(payload)}`, 'latin1');
}

/**
 * An `E.text` error reply (GDB 13+ prints the text as "Remote failure reply: E.text"). Characters RSP
 * reserves are replaced so the text cannot break the framing.
 */
export function errorTextPacket(text: string): Buffer {
  return encodePacket('E.' + text.replace(/[$#}*%\r\n]/g, ' ').replace(/[^\x20-\x7e]/g, '?'));
}

/** Undoes `}`-escaping and `*` run-length encoding (what a stub may use in replies). */
export function decodePayload(payload: string): string {
  let out = '';
  for (let i = 0; i < payload.length; i++) {
    const c = payload[i];
    if (c === '}' && i + 1 < payload.length) {
      out += String.fromCharCode(payload.charCodeAt(++i) ^ 0x20);
    } else if (c === '*' && out.length > 0 && i + 1 < payload.length) {
      out += out[out.length - 1].repeat(payload.charCodeAt(++i) - 29);
    } else out += c;
  }
  return out;
}

/** Hex text of a string's bytes (qRcmd arguments, `O` console output). */
export function toHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** The text that `hex` encodes; undefined when it is not an even run of hex digits. */
export function fromHex(hex: string): string | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').toString('utf8');
}

/**
 * Incremental RSP tokenizer. push() returns the complete events in a chunk; a packet split across chunks is
 * returned once its checksum has arrived. It never throws: bytes that fit nowhere are reported as noise.
 */
export class RspParser {
  private state = State.Idle;
  private current: number[] = [];
  private payload = '';
  private sum = '';
  private lead = 0x24;

  /** True while a packet has begun but its checksum has not fully arrived. */
  get midPacket(): boolean {
    return this.state !== State.Idle;
  }

  push(chunk: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    let noise: number[] = [];
    const flushNoise = (): void => {
      if (noise.length > 0) events.push({ type: 'noise', raw: Buffer.from(noise) });
      noise = [];
    };
    for (const byte of chunk) {
      if (this.state === State.Idle) {
        if (byte === 0x24 /* $ */ || byte === 0x25 /* % */) {
          flushNoise();
          this.state = State.Body;
          this.lead = byte;
          this.current = [byte];
          this.payload = '';
        } else if (byte === 0x2b /* + */ || byte === 0x2d /* - */ || byte === 0x03) {
          flushNoise();
          const type = byte === 0x2b ? 'ack' : byte === 0x2d ? 'nack' : 'interrupt';
          events.push({ type, raw: Buffer.from([byte]) });
        } else noise.push(byte);
        continue;
      }
      this.current.push(byte);
      if (this.state === State.Body) {
        if (byte === 0x23 /* # */) {
          this.state = State.Sum1;
          this.sum = '';
        } else this.payload += String.fromCharCode(byte);
      } else {
        this.sum += String.fromCharCode(byte);
        if (this.state === State.Sum1) this.state = State.Sum2;
        else {
          this.state = State.Idle;
          events.push(this.finish());
        }
      }
    }
    flushNoise();
    return events;
  }

  private finish(): RspEvent {
    const raw = Buffer.from(this.current);
    if (this.lead === 0x25) return { type: 'notification', payload: this.payload, raw };
    return { type: 'packet', payload: this.payload, valid: checksum(this.payload) === this.sum.toLowerCase(), raw };
  }
}
