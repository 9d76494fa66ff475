// Injection points: wait for the moment a case names (a log line, a deployment phase, a process appearing), then
// SIGKILL. Each resolves as soon as the moment is seen, polling fast enough to land inside it.
import type { OperatorClient } from '../../../src/link/operatorClient';
import type { DeploymentJson } from '../../../src/link/otaClient';
import { descendants, processes } from '../../helpers/processes';
import type { OutpostProcess } from '../../helpers/outpostCli';

const POLL_MS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`never saw ${what} within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Resolves once the process writes a stderr line matching `pattern` after this call (JSON log lines included). */
export function whenStderr(proc: OutpostProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const from = proc.stderr().length;
  return poll(
    `${pattern} on stderr`,
    () => (pattern.test(proc.stderr().slice(from)) ? true : undefined),
    timeoutMs,
  ).then(() => undefined);
}

/** Resolves with the deployment once `device` is in one of `states` (as the relay records it). */
export function whenDeviceState(
  admin: OperatorClient,
  id: string,
  device: string,
  states: readonly string[],
  timeoutMs = 60_000,
): Promise<DeploymentJson> {
  return poll(
    `${device} in ${states.join('|')}`,
    async () => {
      const d = await admin.request<DeploymentJson>('deployments.get', { id });
      return states.includes(d.devices[device]?.state ?? '') ? d : undefined;
    },
    timeoutMs,
  );
}

// True when the command line runs `program` (by name or by path) with arguments matching `args`.
const runs = (cmd: string, program: string, args: RegExp): boolean =>
  cmd.split(' ')[0]!.split('/').pop() === program && args.test(cmd);

/** Resolves with the pid of a live process below `root` running `program` with arguments matching `args`. */
export function whenDescendant(root: number, program: string, args: RegExp, timeoutMs = 60_000): Promise<number> {
  return poll(
    `${program} ${args} below ${root}`,
    () => descendants(root).find((p) => runs(p.cmd, program, args))?.pid,
    timeoutMs,
  );
}

/** The live processes (any parent) running `program` with arguments matching `args`. */
export function running(program: string, args: RegExp): number[] {
  return processes()
    .filter((p) => !p.zombie && runs(p.cmd, program, args))
    .map((p) => p.pid);
}

/** kill -9. */
export function kill9(pid: number): void {
  process.kill(pid, 'SIGKILL');
}
