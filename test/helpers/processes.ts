// The machine's process table as tests need it: who is alive, whose child, which process group (from ps).
import { execFileSync } from 'node:child_process';

/** One row of `ps`. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
  /** The command line. */
  cmd: string;
}

/** Every process on the machine. */
export function processes(): ProcessRow[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [pid, ppid, pgid, stat, ...args] = l.trim().split(/\s+/);
      return {
        pid: Number(pid),
        ppid: Number(ppid),
        pgid: Number(pgid),
        zombie: stat.startsWith('Z'),
        cmd: args.join(' '),
      };
    });
}

/** The live process with this id (a zombie is not alive: it only waits to be reaped). */
export function processRow(pid: number): ProcessRow | undefined {
  return processes().find((p) => p.pid === pid && !p.zombie);
}

/** True while a process with this id runs. */
export function isAlive(pid: number): boolean {
  return processRow(pid) !== undefined;
}

/** Every live process below `root` (children, their children, …). */
export function descendants(root: number): ProcessRow[] {
  const all = processes();
  const found: ProcessRow[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found.filter((p) => !p.zombie);
}

/** Live processes other than this one whose command line mentions `text` (e.g. a test's data directory). */
export function processesMentioning(text: string): ProcessRow[] {
  return processes().filter((p) => !p.zombie && p.cmd.includes(text) && p.pid !== process.pid);
}

/** Process ids of `pid`'s live children whose program is `command` (e.g. the QEMU a sim started). */
export function childProcesses(pid: number, command: string): number[] {
  return processes()
    .filter((p) => p.ppid === pid && !p.zombie && p.cmd.split(' ')[0]!.split('/').pop() === command)
    .map((p) => p.pid);
}

/** Polls until the process is gone; rejects naming it when it is still alive after `timeoutMs`. */
export async function waitUntilGone(pid: number, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${what} (pid ${pid}) is still running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
