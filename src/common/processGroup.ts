// Supervised children in a process group of their own: a terminal's Ctrl-C reaches only the supervisor, which stops them.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * Spawns `command` as the leader of a new process group (and session), so signals a terminal sends to its
 * foreground job (Ctrl-C) do not reach it: its supervisor decides when it stops. The group is SIGKILLed if this
 * process exits while the child still runs (a second Ctrl-C, process.exit), so it never outlives its supervisor.
 */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) return child; // spawn failed: its 'error' event says why
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) signalGroup(c, 'SIGKILL');
    });
  }
  return child;
}

/** Sends `signal` to the process group the child leads (0: only checks); false when the group no longer exists. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Ends the child's whole process group: SIGTERM, then SIGKILL for anything still alive after `graceMs`. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (!signalGroup(child, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(100);
    if (!signalGroup(child, 0)) return;
  }
  signalGroup(child, 'SIGKILL');
  // Bounded: an orphan whose parent never reaps it stays a zombie, which still counts as a member of the group.
  for (let i = 0; i < 40 && signalGroup(child, 0); i++) await sleep(50);
}
