// Notices a device's rsp channel closing on its own (device offline, relay link dropped) and says why, once.
import type { Duplex } from 'node:stream';

/** What a channel that closed without an error is reported as. */
export const CHANNEL_ENDED = 'the device ended the debug channel';

/**
 * Watches the channels a tunnel carries. The first one to close while armed is the loss: listeners get its error
 * message (or CHANNEL_ENDED). disarm() before closing channels on purpose.
 */
export class LossWatch {
  private why: string | undefined;
  private armed = true;
  private readonly listeners: Array<(why: string) => void> = [];

  /** Watches `channel` and hands it back. */
  watch<T extends Duplex>(channel: T): T {
    let error: Error | undefined;
    channel.once('error', (err: Error) => (error = err));
    channel.once('close', () => this.lose(error?.message ?? CHANNEL_ENDED));
    return channel;
  }

  /** Calls `listener` once on a loss; at once (next tick) if it happened already. */
  onLost(listener: (why: string) => void): void {
    const why = this.why;
    if (why !== undefined) process.nextTick(() => listener(why));
    else if (this.armed) this.listeners.push(listener);
  }

  /** From now on closing channels is intended: nobody is told. */
  disarm(): void {
    this.armed = false;
    this.listeners.length = 0;
  }

  private lose(why: string): void {
    if (!this.armed || this.why !== undefined) return;
    this.why = why;
    for (const listener of this.listeners.splice(0)) listener(why);
  }
}
