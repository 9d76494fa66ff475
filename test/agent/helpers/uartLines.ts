// Waiting for what the firmware prints, with a deadline so a silent device fails the test instead of hanging it.
import type { EventEmitter } from 'node:events';

/** Resolves with the first line matching `pattern` printed from now on; rejects after timeoutMs. */
export function waitForLine(uart: EventEmitter, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const onLine = (line: string): void => {
      seen.push(line);
      if (!pattern.test(line)) return;
      clearTimeout(timer);
      uart.off('line', onLine);
      resolve(line);
    };
    const timer = setTimeout(() => {
      uart.off('line', onLine);
      reject(
        new Error(`no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${seen.slice(-10).join('\n')}`),
      );
    }, timeoutMs);
    uart.on('line', onLine);
  });
}

/** Collects the lines matching `pattern` until `count` of them arrived. */
export function collectLines(
  uart: EventEmitter,
  pattern: RegExp,
  count: number,
  timeoutMs = 30_000,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    const onLine = (line: string): void => {
      if (!pattern.test(line)) return;
      got.push(line);
      if (got.length < count) return;
      clearTimeout(timer);
      uart.off('line', onLine);
      resolve(got);
    };
    const timer = setTimeout(() => {
      uart.off('line', onLine);
      reject(new Error(`only ${got.length} of ${count} lines matching ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    uart.on('line', onLine);
  });
}
