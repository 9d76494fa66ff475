// Test fixture: a TCP man-in-the-middle between a peer and the relay that decodes WebSocket frames both ways,
// records every message, and can alter relay→peer messages in place (what a compromised relay could do).
import { createServer, connect, type Server, type Socket } from 'node:net';

/** WebSocket opcodes of control frames a test may look for. */
export const WsOpcode = { close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One WebSocket message seen on the wire, unmasked. `up` = peer → relay, `down` = relay → peer. */
export interface TappedMessage {
  dir: 'up' | 'down';
  /** WebSocket opcode: 0x2 binary (an Outpost frame), 0x8 close, 0x9 ping, 0xa pong. */
  opcode: number;
  payload: Buffer;
}

/** Alters a relay→peer message in place (same length); return true if it changed something. */
export type Tamper = (payload: Buffer) => boolean;

class FrameSplitter {
  private buf = Buffer.alloc(0);
  private inHeaders = true;
  private raw = false;

  constructor(
    private readonly dir: 'up' | 'down',
    private readonly onMessage: (m: TappedMessage, raw: Buffer, payloadOffset: number) => void,
    private readonly forward: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.raw) return this.forward(chunk);
    this.buf = Buffer.concat([this.buf, chunk]);
    if (this.inHeaders) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end + 4);
      this.forward(head);
      this.buf = this.buf.subarray(end + 4);
      this.inHeaders = false;
      // Plain HTTP (GET /v1/challenge, a refused upgrade) passes through untouched.
      if (!/^upgrade: websocket/im.test(head.toString('latin1'))) {
        this.raw = true;
        if (this.buf.length > 0) this.forward(this.buf);
        return;
      }
    }
    for (;;) {
      if (this.buf.length < 2) return;
      const opcode = this.buf[0] & 0x0f;
      const masked = (this.buf[1] & 0x80) !== 0;
      let len = this.buf[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (this.buf.length < offset + len) return;
      const raw = Buffer.from(this.buf.subarray(0, offset + len));
      this.buf = this.buf.subarray(offset + len);
      const payload = Buffer.from(raw.subarray(offset));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= raw[maskOffset + (i % 4)];
      this.onMessage({ dir: this.dir, opcode, payload }, raw, offset);
      this.forward(raw);
    }
  }
}

/** A recording proxy; `url` is what the peer should use instead of the relay's URL. */
export class WireTap {
  readonly messages: TappedMessage[] = [];
  /** Set to alter relay→peer messages (only unmasked frames can be altered in place). */
  tamper?: Tamper;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly targetPort: number) {}

  /** Starts a tap in front of the relay listening on 127.0.0.1:`relayPort`. */
  static async start(relayPort: number): Promise<WireTap> {
    const tap = new WireTap(relayPort);
    tap.server = createServer((client) => tap.accept(client));
    await new Promise<void>((resolve) => tap.server?.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  get url(): string {
    const address = this.server?.address();
    return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** True if any message in either direction contains `needle`. */
  saw(needle: Buffer): boolean {
    return this.messages.some((m) => m.payload.includes(needle));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const up = new FrameSplitter(
      'up',
      (m) => this.messages.push(m),
      (b) => upstream.write(b),
    );
    const down = new FrameSplitter(
      'down',
      (m, raw, offset) => {
        this.messages.push(m);
        if (this.tamper?.(m.payload)) m.payload.copy(raw, offset);
      },
      (b) => client.write(b),
    );
    client.on('data', (d: Buffer) => up.push(d));
    upstream.on('data', (d: Buffer) => down.push(d));
  }
}
