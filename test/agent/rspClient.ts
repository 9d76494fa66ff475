// Test helper: the operator's end of an rsp channel, speaking RSP packet by packet (what GDB does, minus GDB).
import type { Duplex } from 'node:stream';
import { packet } from './fakeStub';

/** Sends RSP packets on a stream and reads the replies, skipping acks. */
export class RspClient {
  private buf = '';
  private waiters: ((body: string) => void)[] = [];
  private readonly replies: string[] = [];

  constructor(private readonly stream: Duplex) {
    stream.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      for (;;) {
        const start = this.buf.indexOf('$');
        const hash = this.buf.indexOf('#', start);
        if (start < 0 || hash < 0 || hash + 2 >= this.buf.length) return;
        const body = this.buf.slice(start + 1, hash);
        this.buf = this.buf.slice(hash + 3);
        const waiter = this.waiters.shift();
        if (waiter) waiter(body);
        else this.replies.push(body);
      }
    });
  }

  /** Sends one packet and resolves with the next reply body. */
  request(body: string): Promise<string> {
    const reply = new Promise<string>((resolve) => {
      const queued = this.replies.shift();
      if (queued !== undefined) resolve(queued);
      else this.waiters.push(resolve);
    });
    this.stream.write(packet(body));
    return reply;
  }

  /** Resolves with the next reply without sending anything (e.g. an asynchronous stop reply). */
  next(): Promise<string> {
    return new Promise<string>((resolve) => {
      const queued = this.replies.shift();
      if (queued !== undefined) resolve(queued);
      else this.waiters.push(resolve);
    });
  }

  /**
   * Like request(), but sends the packet again if nothing came back within `afterMs`, as GDB does when a stub
   * dropped a packet (QEMU drops bytes that race its halt-on-connect).
   */
  async requestRetrying(body: string, afterMs = 1000, attempts = 3): Promise<string> {
    const reply = this.next();
    for (let i = 0; i < attempts; i++) {
      this.stream.write(packet(body));
      const got = await Promise.race([reply, new Promise<undefined>((r) => setTimeout(() => r(undefined), afterMs))]);
      if (got !== undefined) return got;
    }
    return reply;
  }

  /** Sends raw bytes without waiting for anything. */
  send(raw: string): void {
    this.stream.write(raw);
  }
}
