// Trial-boot health: the new firmware is healthy when a UART line matches the ready pattern in time.
import type { Uart } from '../target';

/** Default ready pattern: the word "ready", any case (the example firmware prints `u5-sensor 1.0.0 ready`). */
export const DEFAULT_READY = '\\bready\\b';

/** How the watch ended: the matching line, or why it counts as unhealthy. */
export type HealthOutcome = { healthy: true; line: string } | { healthy: false; reason: string };

/** A watch armed before the reset, so a fast boot cannot print its ready line before anyone listens. */
export interface HealthWatch {
  /** Waits up to `timeoutMs` from now (lines seen since arming count). Resolves once; never rejects. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<HealthOutcome>;
  /** Stops listening (wait resolves unhealthy if pending). */
  dispose(): void;
}

/** Starts collecting UART lines and matching them against `ready` (case-insensitive). */
export function armHealthWatch(uart: Uart, ready: string): HealthWatch {
  const pattern = new RegExp(ready, 'i');
  let matched: string | undefined;
  let settle: ((outcome: HealthOutcome) => void) | undefined;
  const onLine = (line: string): void => {
    if (matched !== undefined || !pattern.test(line)) return;
    matched = line;
    settle?.({ healthy: true, line });
  };
  uart.on('line', onLine);
  const dispose = (): void => {
    uart.off('line', onLine);
    settle?.({ healthy: false, reason: 'health check stopped' });
  };
  return {
    dispose,
    wait(timeoutMs, signal) {
      if (matched !== undefined) return Promise.resolve({ healthy: true, line: matched });
      return new Promise<HealthOutcome>((resolve) => {
        const timer = setTimeout(() => {
          done({ healthy: false, reason: `no UART line matched /${ready}/i within ${Math.round(timeoutMs / 1000)} s` });
        }, timeoutMs);
        const onAbort = () => done({ healthy: false, reason: 'health check canceled' });
        const done = (outcome: HealthOutcome) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          settle = undefined;
          resolve(outcome);
        };
        settle = done;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
