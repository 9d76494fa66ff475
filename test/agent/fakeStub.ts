// Test double for a GDB stub only (the real QEMU stub is tested elsewhere): a TCP server speaking just enough RSP.
import { createServer, type Server, type Socket } from 'node:net';

const checksum = (body: string): string =>
  (Buffer.from(body, 'latin1').reduce((a, b) => (a + b) & 0xff, 0) as number).toString(16).padStart(2, '0');

/** Frames an RSP packet. */
export const packet = (body: string): string => `$${body}#${checksum(body)}`;

/**
 * Answers `?` with S05, `m ADDR,LEN` with LEN bytes of a pattern derived from ADDR, `qRcmd,HEX` with the same HEX
 * (so a test can send a marker and get it back), `D` with OK, anything else with an empty reply. Records every
 * byte and packet body it receives, and how many connections it has seen.
 */
export class FakeStub {
  readonly received: string[] = [];
  rawBytes = '';
  connections = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  static async start(): Promise<FakeStub> {
    const stub = new FakeStub();
    stub.server = createServer((s) => stub.serve(s));
    await new Promise<void>((resolve) => stub.server?.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Resolves once a packet whose body matches `pattern` has been received. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (!this.received.some((p) => pattern.test(p))) {
      if (Date.now() - start > timeoutMs) throw new Error(`stub never received ${pattern}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    let buf = '';
    socket.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      this.rawBytes += text;
      buf += text;
      for (;;) {
        const start = buf.indexOf('$');
        const hash = buf.indexOf('#', start);
        if (start < 0 || hash < 0 || hash + 2 >= buf.length) return;
        const body = buf.slice(start + 1, hash);
        buf = buf.slice(hash + 3);
        this.received.push(body);
        socket.write('+' + packet(this.reply(body)));
      }
    });
  }

  private reply(body: string): string {
    if (body === '?') return 'S05';
    if (body.startsWith('D')) return 'OK';
    if (body.startsWith('qRcmd,')) return body.slice(6);
    const m = /^m([0-9a-f]+),([0-9a-f]+)$/.exec(body);
    if (m) {
      const len = parseInt(m[2], 16);
      const seed = parseInt(m[1], 16);
      return Array.from({ length: len }, (_, i) => ((seed + i * 7) & 0xff).toString(16).padStart(2, '0')).join('');
    }
    return '';
  }
}
