// A TCP forwarder in front of the relay that paces relay→peer bytes and counts them, so a test can strike at a
// chosen fraction of an OTA transfer (on loopback a whole image would otherwise pass in a few milliseconds).
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A paced forwarder to one upstream port; survives the upstream going away (new connections retry it). */
export class ThrottledLink {
  /** Bytes forwarded relay→peer since start() (or the last reset()). */
  downBytes = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The port peers connect to. */
    readonly port: number,
  ) {}

  /**
   * Listens on an ephemeral loopback port and forwards to 127.0.0.1:`upstreamPort`, relay→peer at
   * `bytesPerSecond` (peer→relay unpaced).
   */
  static async start(upstreamPort: number, bytesPerSecond: number): Promise<ThrottledLink> {
    const links: ThrottledLink[] = [];
    const server = createServer((peer) => links[0]?.pipe(peer, upstreamPort, bytesPerSecond));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    links.push(new ThrottledLink(server, (server.address() as { port: number }).port));
    return links[0]!;
  }

  /** ws:// URL of the link, for `--relay`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  reset(): void {
    this.downBytes = 0;
  }

  /** Resolves once `bytes` more relay→peer bytes passed after the call. */
  async waitForBytes(bytes: number, timeoutMs = 60_000): Promise<void> {
    const target = this.downBytes + bytes;
    for (const deadline = Date.now() + timeoutMs; this.downBytes < target;) {
      if (Date.now() > deadline) throw new Error(`only ${this.downBytes} of ${target} bytes passed the link`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(peer: Socket, upstreamPort: number, bytesPerSecond: number): void {
    const relay = connect(upstreamPort, '127.0.0.1');
    for (const s of [peer, relay]) {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => (s === peer ? relay : peer).destroy());
    }
    peer.on('close', () => relay.destroy());
    relay.on('close', () => peer.destroy());
    peer.pipe(relay);
    // Paced in 10 ms slices: a slice's worth of bytes per tick, the relay paused while the queue is long.
    const slice = Math.max(1, Math.floor(bytesPerSecond / 100));
    let queue: Buffer[] = [];
    let queued = 0;
    relay.on('data', (d: Buffer) => {
      queue.push(d);
      queued += d.length;
      if (queued > slice * 4) relay.pause();
    });
    const timer = setInterval(() => {
      let budget = slice;
      while (budget > 0 && queue.length > 0) {
        const head = queue[0]!;
        const part = head.subarray(0, budget);
        if (part.length === head.length) queue.shift();
        else queue[0] = head.subarray(budget);
        budget -= part.length;
        queued -= part.length;
        this.downBytes += part.length;
        peer.write(part);
      }
      if (queued <= slice * 4 && relay.isPaused()) relay.resume();
    }, 10);
    relay.on('close', () => {
      clearInterval(timer);
      queue = [];
    });
    peer.on('close', () => clearInterval(timer));
  }
}
