// Waits until a server child process announces its URL and answers on it.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../errors';

/**
 * Resolves with the URL a child prints (first capture group of `announce`) once a GET to it answers below 500.
 * Rejects with the child's last output lines when it exits first or `timeoutMs` passes.
 */
export async function waitForUrl(
  name: string,
  child: ChildProcess,
  announce: RegExp,
  timeoutMs: number,
  onLine: (line: string) => void = () => undefined,
): Promise<string> {
  const tail: string[] = [];
  let announced: string | undefined;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new CliError(`${name} ${why} before serving: ${tail.slice(-3).join(' | ') || 'no output'}`));
    });
  });
  exited.catch(() => undefined); // observed below through Promise.race; avoids an unhandled rejection after success
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      onLine(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      announced ??= announce.exec(line)?.[1];
    });
  }
  const deadline = Date.now() + timeoutMs;
  const ready = (async (): Promise<string> => {
    // Ends when the child does, so a failed start leaves no timer keeping the caller's process alive.
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (announced && (await answers(announced))) return announced;
      await sleep(200);
    }
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    throw new CliError(`${name} did not serve within ${timeoutMs / 1000} s: ${tail.slice(-3).join(' | ')}`);
  })();
  return Promise.race([ready, exited]);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
