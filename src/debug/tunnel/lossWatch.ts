// Remembers the first loss of a device's debug channel (device offline, relay link dropped) and tells listeners, once.

/**
 * The first loss reported while armed is the loss: listeners get its reason. disarm() before closing channels on
 * purpose. The tunnel decides what is a loss (rspTunnel.ts `onLost`); this only remembers and tells.
 */
export class LossWatch {
  private why: string | undefined;
  private armed = true;
  private readonly listeners: Array<(why: string) => void> = [];

  /** Calls `listener` once on a loss; at once (next tick) if it happened already. */
  onLost(listener: (why: string) => void): void {
    const why = this.why;
    if (why !== undefined) process.nextTick(() => listener(why));
    else if (this.armed) this.listeners.push(listener);
  }

  /** Reports a loss; only the first one while armed counts. */
  lose(why: string): void {
    if (!this.armed || this.why !== undefined) return;
    this.why = why;
    for (const listener of this.listeners.splice(0)) listener(why);
  }

  /** From now on closing channels is intended: nobody is told. */
  disarm(): void {
    this.armed = false;
    this.listeners.length = 0;
  }
}
