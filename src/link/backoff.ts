// Jittered exponential backoff for reconnects: 1 s doubling to 60 s, full jitter so a fleet does not reconnect in lockstep.

/** Delays for successive reconnect attempts. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs = 1000,
    private readonly maxMs = 60_000,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The next delay: uniform in [cap/2, cap] where cap = min(max, min·2^attempt). Half of the cap is kept so a
   * reconnect storm spreads out but nobody retries instantly.
   */
  next(): number {
    const cap = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  /** Call after a connection proved healthy, so the next failure starts again from the minimum. */
  reset(): void {
    this.attempt = 0;
  }
}
