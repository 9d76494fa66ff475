// Supervised children in a process group of their own: a terminal's Ctrl-C reaches only the supervisor, which stops them.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * Spawns `command` as the leader of a new process group (and session), so signals a terminal sends to its
 * foreground job (Ctrl-C) do not reach it: its supervisor decides when it stops. The group is SIGKILLed if this
 * process exits while the child still runs (a second Ctrl-C, process.exit), so it never outlives its supervisor.
 * On Linux the child also gets SIGKILL as its parent-death signal (util-linux `setpriv --pdeathsig`), which covers
 * a supervisor killed with SIGKILL or by the OOM killer, where no exit hook runs.
 */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const guard = parentDeathGuard(command, options.env ?? process.env);
  const child = guard
    ? spawn(guard.setpriv, ['--pdeathsig', 'KILL', '--', guard.program, ...args], { ...options, detached: true })
    : spawn(command, args, { ...options, detached: true });
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

// `setpriv` when it and the program both exist (setpriv execs the program by the same name, so process listings
// look as before); otherwise the program is spawned as it is, so a missing program still fails with spawn's ENOENT
// (which callers turn into "install …") rather than with setpriv's message.
function parentDeathGuard(command: string, env: NodeJS.ProcessEnv): { setpriv: string; program: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  const setpriv = onPath('setpriv', env);
  return setpriv && onPath(command, env) ? { setpriv, program: command } : undefined;
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = command.includes('/')
    ? [command].filter((file) => isAbsolute(file))
    : (env.PATH ?? '')
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, command));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
