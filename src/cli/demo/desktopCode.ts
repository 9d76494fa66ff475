// The desktop VS Code beside code-server: when a `code` CLI is on PATH, the demo installs Outpost there as well
// and opens the sample project in a new window, connected to the demo's relay through the workspace's settings.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CliError } from '../errors';

const run = promisify(execFile);

/** The launchers the desktop editors put on PATH, most common first. */
const DESKTOP_CLIS = ['code', 'code-insiders', 'codium'];

/** How long one `code` call may take: installing a vsix unpacks it, opening a window returns at once. */
const CLI_TIMEOUT_MS = 120_000;

/**
 * The first desktop VS Code launcher on `env.PATH` (`code`, then `code-insiders`, then `codium`), or undefined.
 * `OUTPOST_DEMO_CODE` names one explicitly (a path, or empty to skip the desktop editor).
 */
export function findDesktopCode(env: NodeJS.ProcessEnv): string | undefined {
  const chosen = env.OUTPOST_DEMO_CODE;
  if (chosen !== undefined) return chosen.trim() === '' ? undefined : chosen;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of DESKTOP_CLIS) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    // Not there or not executable: the next PATH entry may have it.
    return false;
  }
}

/**
 * Installs `vsix` into the desktop editor behind `cli` (replacing an older Outpost) and opens `workspace` in a new
 * window. Rejects with a one-line CliError naming the step that failed and the editor's last output line.
 */
export async function openInDesktopCode(cli: string, vsix: string, workspace: string): Promise<void> {
  const installed = await call(cli, ['--install-extension', path.resolve(vsix), '--force'], 'installing Outpost');
  if (!/successfully installed|already installed/i.test(installed)) {
    throw new CliError(`installing Outpost into ${cli} failed: ${lastLine(installed) || 'no confirmation printed'}`);
  }
  await call(cli, ['--new-window', path.resolve(workspace)], `opening ${workspace}`);
}

async function call(cli: string, args: string[], what: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(cli, args, { timeout: CLI_TIMEOUT_MS, encoding: 'utf8' });
    return `${stdout}\n${stderr}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    const detail = lastLine(`${e.stdout ?? ''}\n${e.stderr ?? ''}`) || e.message;
    throw new CliError(`${what} with ${cli} failed: ${detail}`);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
