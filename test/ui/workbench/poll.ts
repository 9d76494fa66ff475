// Polling for what VS Code shows: the workbench updates asynchronously, so every reader is retried until it fits.
import { setTimeout as sleep } from 'node:timers/promises';

/** How long any UI wait lasts unless a call says otherwise; generous for a loaded 2-core CI machine. */
export const DEFAULT_UI_TIMEOUT_MS = 30_000;

/** Options for `poll`. */
export interface PollOptions {
  /** Give up after this long (default DEFAULT_UI_TIMEOUT_MS). */
  timeoutMs?: number;
  /** What is awaited, for the error message, e.g. `'three devices in Fleet'`. */
  what: string;
}

/**
 * Calls `read` until `accept` holds for its result, and returns that result. On timeout throws an error naming
 * `what` and the last value read, so a failing test says what the screen showed instead.
 */
export async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_UI_TIMEOUT_MS);
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (err) {
      lastError = err; // the page may be mid-render (element detached); the next round reads again
    }
    if (Date.now() > deadline) {
      const seen = last === undefined ? `error: ${String(lastError)}` : JSON.stringify(last);
      throw new Error(`timed out waiting for ${opts.what}; last seen: ${seen}`);
    }
    await sleep(250);
  }
}
