// Where a log reader is in a device's log stream, so a reconnect resumes exactly after the last line it printed (pure).
import type { LogsMessage, LogsRequest } from '../agent/uart/logsWire';

/**
 * Tracks the last line seen and the agent's epoch. The first request asks for the newest `tail` lines; after a
 * reconnect it asks for the lines after the last one seen, in the same epoch, so nothing is printed twice and
 * nothing printed meanwhile is missed. An agent that restarted has another epoch and replays what it holds.
 */
export class LogCursor {
  private next?: number;
  private epoch?: string;
  /** The current channel is past its replay: its lines come in sequence order. */
  private live = false;

  constructor(
    private readonly tail: number,
    private readonly follow: boolean,
  ) {}

  /** What to send on a (new) logs channel. */
  request(): LogsRequest {
    const follow = this.follow ? {} : { follow: false };
    if (this.next === undefined) return { tail: this.tail, ...follow };
    return { from: this.next, ...(this.epoch !== undefined ? { epoch: this.epoch } : {}), ...follow };
  }

  /** Records a message; false for a line this reader already had (a line is never printed twice). */
  see(message: LogsMessage): boolean {
    switch (message.kind) {
      case 'line':
        if (this.live && this.next !== undefined && message.seq < this.next) return false;
        this.next = message.seq + 1;
        return true;
      case 'live':
        // The agent's word after the replay: where its live stream starts, in which epoch.
        this.epoch = message.epoch;
        this.next = message.next;
        this.live = true;
        return true;
      case 'gap':
        this.next = Math.max(this.next ?? 0, message.to + 1);
        return true;
    }
  }

  /** Call when a channel ends: the next one starts with a replay. */
  disconnected(): void {
    this.live = false;
  }
}
