// Runs a function at most once per interval: at once when it has been quiet, else once at the end of the interval.

/** Timers, injectable so tests control time. */
export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Coalesces bursts of changes (a rollout's progress events, a reconnect's snapshot) into at most one `run` per
 * `intervalMs`; the last change in a burst is never lost.
 */
export class Throttle {
  private last = -Infinity;
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs: number,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  /** Asks for a run. */
  schedule(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  /** Cancels a pending run; later schedule() calls do nothing. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    if (this.disposed) return;
    this.last = this.clock.now();
    this.run();
  }
}
