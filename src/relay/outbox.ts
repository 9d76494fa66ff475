// What the relay sends on one connection, by priority: control and interactive frames at once, bulk frames while the socket keeps up.
import type { ChannelKind } from '../protocol/channels';

/** Send priority: 0 = control, rsp, console (never waits); 1 = logs; 2 = ota. */
export type Priority = 0 | 1 | 2;

/** The priority of a channel's frames; every frame of a channel uses it, so a CLOSE never overtakes its DATA. */
export function priorityOf(kind: ChannelKind): Priority {
  if (kind === 'logs') return 1;
  if (kind === 'ota') return 2;
  return 0;
}

/** The socket the outbox writes to (a `ws` WebSocket fits). */
export interface OutboxSocket {
  readonly bufferedAmount: number;
  send(data: Buffer, cb: (err?: Error) => void): void;
}

/** Bulk frames are written only while less than this is waiting in the socket, so a debug packet never queues behind OTA. */
export const bulkThreshold = 64 * 1024;

/**
 * Per-connection send scheduler. Priority 0 goes straight to the socket. Bulk frames queue (logs before ota)
 * and are written only while the socket's buffer is under the threshold; every write's completion pumps the
 * queue again. The queue is bounded by flow-control credit, which the relay enforces per channel.
 */
export class Outbox {
  private readonly queues: [Buffer[], Buffer[]] = [[], []];
  private closed = false;
  private readonly pump = (err?: Error): void => {
    if (err) this.closed = true;
    this.drain();
  };

  constructor(private readonly socket: OutboxSocket) {}

  send(frame: Buffer, priority: Priority): void {
    if (this.closed) return;
    if (priority === 0) {
      this.socket.send(frame, this.pump);
      return;
    }
    this.queues[priority - 1].push(frame);
    this.drain();
  }

  /** Bytes queued in the outbox (not yet handed to the socket). */
  get queuedBytes(): number {
    return this.queues[0].reduce((n, b) => n + b.length, 0) + this.queues[1].reduce((n, b) => n + b.length, 0);
  }

  /** Drops everything queued; later sends are ignored (the connection is going away). */
  close(): void {
    this.closed = true;
    this.queues[0].length = 0;
    this.queues[1].length = 0;
  }

  private drain(): void {
    while (!this.closed && this.socket.bufferedAmount < bulkThreshold) {
      const next = this.queues[0].shift() ?? this.queues[1].shift();
      if (!next) return;
      this.socket.send(next, this.pump);
    }
  }
}
