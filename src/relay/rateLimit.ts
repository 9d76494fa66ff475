// Counts failed handshakes per client address and refuses an address that fails too often (RATE_LIMITED).

/** Limits for FailureLimiter: at most `maxFailures` per `windowMs` per address. */
export interface FailureLimits {
  maxFailures: number;
  windowMs: number;
  /** How many addresses are tracked at once; the oldest window is forgotten first. */
  maxAddresses: number;
}

/** Defaults: a misconfigured agent retrying with backoff never hits them; a key-guessing loop does at once. */
export const defaultFailureLimits: FailureLimits = { maxFailures: 30, windowMs: 60_000, maxAddresses: 100_000 };

/** Fixed-window failure counter per address. Pure state: the caller passes the clock. */
export class FailureLimiter {
  // Insertion order = age of the window, so the first entry is the one to evict when full.
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(private readonly limits: FailureLimits = defaultFailureLimits) {}

  /** True while `address` has used up its failures in the current window. */
  blocked(address: string, nowMs: number): boolean {
    const w = this.windows.get(address);
    if (!w) return false;
    if (nowMs - w.start >= this.limits.windowMs) {
      this.windows.delete(address);
      return false;
    }
    return w.failures >= this.limits.maxFailures;
  }

  /** Records one failed handshake from `address`. */
  fail(address: string, nowMs: number): void {
    let w = this.windows.get(address);
    if (w && nowMs - w.start >= this.limits.windowMs) {
      this.windows.delete(address);
      w = undefined;
    }
    if (!w) {
      if (this.windows.size >= this.limits.maxAddresses)
        this.windows.delete(this.windows.keys().next().value as string);
      w = { start: nowMs, failures: 0 };
      this.windows.set(address, w);
    }
    w.failures++;
  }

  /** Number of addresses currently tracked. */
  get size(): number {
    return this.windows.size;
  }
}
