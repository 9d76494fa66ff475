// A mark in the agent's state folder while a debug session holds the target's stub: an agent killed mid-session
// (kill -9, power cut of the gateway, OOM) finds it on its next start and detaches, so a target it left halted runs.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/log';
import { detachStub } from './rspDetach';
import type { Target } from './target';

/** The file, in the agent's state folder. */
export const DEBUG_SESSION_MARK = 'debug-session.json';

/** Where the agent records the debug session it serves (one at a time). */
export class DebugSessionMark {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, DEBUG_SESSION_MARK);
  }

  /** Records that `operator`'s session holds the stub (written whole: a temporary file renamed over it). */
  set(operator: string): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ operator, since: new Date().toISOString(), pid: process.pid }) + '\n');
    renameSync(tmp, this.file);
  }

  /** The session ended (detached, killed by its operator, or detached for it by the agent). */
  clear(): void {
    rmSync(this.file, { force: true });
  }

  /** The operator of a session that was open when the agent last stopped, if any. */
  leftover(): string | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      const json = JSON.parse(readFileSync(this.file, 'utf8')) as { operator?: unknown };
      return typeof json.operator === 'string' ? json.operator : 'unknown operator';
    } catch {
      // A mark cut short by the crash still says a session was open.
      return 'unknown operator';
    }
  }
}

/**
 * Run once the target has started: when a session was open as the agent died, connect to the stub and detach, so
 * a core left halted at a breakpoint runs again and the breakpoints the debugger left are removed. Never throws:
 * a stub that cannot be reached is logged and the mark kept for the next start.
 */
export async function releaseLeftoverSession(target: Target, mark: DebugSessionMark, log: Logger): Promise<void> {
  const operator = mark.leftover();
  if (operator === undefined) return;
  log.warn('a debug session was open when the agent stopped; detaching so the target runs', { operator });
  try {
    const socket = await target.connectGdb();
    try {
      const outcome = await detachStub(socket, false, log);
      if (outcome !== 'detached') log.warn('the stub did not confirm the detach', { outcome });
    } finally {
      socket.destroy();
    }
    mark.clear();
  } catch (err) {
    log.warn('cannot reach the stub to release the earlier debug session', { error: (err as Error).message });
  }
}
