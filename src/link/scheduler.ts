// Priority send scheduler for one connection: interactive frames go out at once, bulk only while the socket buffer is small.
import type { ChannelKind } from '../protocol/channels';

/** Send classes, most urgent first. */
export enum Priority {
  /** Control, OPEN/OPEN_OK/CREDIT/CLOSE, PING/PONG, rsp and console DATA. */
  Interactive = 0,
  /** logs DATA. */
  Logs = 1,
  /** ota DATA. */
  Bulk = 2,
}

/** The DATA priority of a channel kind. */
export function priorityOf(kind: ChannelKind): Priority {
  return kind === 'ota' ? Priority.Bulk : kind === 'logs' ? Priority.Logs : Priority.Interactive;
}

/** What the scheduler writes to: a ws WebSocket fits. */
export interface FrameSink {
  send(data: Buffer, cb: (err?: Error) => void): void;
  readonly bufferedAmount: number;
}

/** Bytes of unsent WebSocket data above which logs and ota frames wait. */
export const BULK_THRESHOLD = 32 * 1024;

/**
 * Frames are queued per class. Interactive frames are handed to the socket immediately; logs, then ota, are
 * handed over only while `sink.bufferedAmount` is under the threshold, so a debug packet never queues behind
 * more than that much bulk data in this process. Each class is FIFO, which keeps per-channel order.
 */
export class SendScheduler {
  private readonly queues: Buffer[][] = [[], [], []];
  private closed = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly onError: (err: Error) => void,
    private readonly threshold = BULK_THRESHOLD,
  ) {}

  /** Queues a frame and sends what may be sent now. */
  enqueue(frame: Buffer, priority: Priority): void {
    if (this.closed) return;
    if (priority === Priority.Interactive) {
      this.write(frame);
      return;
    }
    this.queues[priority].push(frame);
    this.pump();
  }

  /** Frames waiting in this process (not yet handed to the socket). */
  get pending(): number {
    return this.queues[Priority.Logs].length + this.queues[Priority.Bulk].length;
  }

  /** Drops everything queued; later enqueues are ignored (the connection is gone). */
  close(): void {
    this.closed = true;
    for (const q of this.queues) q.length = 0;
  }

  private write(frame: Buffer): void {
    // The callback fires when the socket took the bytes: the moment more bulk may fit.
    this.sink.send(frame, (err) => {
      if (err) {
        if (!this.closed) this.onError(err);
        return;
      }
      this.pump();
    });
  }

  private pump(): void {
    for (const priority of [Priority.Logs, Priority.Bulk]) {
      const q = this.queues[priority];
      while (!this.closed && q.length > 0 && this.sink.bufferedAmount < this.threshold) this.write(q.shift() as Buffer);
      if (q.length > 0) return;
    }
  }
}
