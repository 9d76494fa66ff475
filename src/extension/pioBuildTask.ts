// Pure: tells from a finished task whether it was a successful PlatformIO build, and of which environments.
import { basename, isAbsolute, join } from 'node:path';

/** What the editor knows of a task that ended. */
export interface EndedTask {
  /** The task definition's type (PlatformIO IDE's tasks say 'PlatformIO'). */
  readonly type: string | undefined;
  /** The program the task ran, when known (ProcessExecution.process or the first word of a shell command). */
  readonly command: string | undefined;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  readonly exitCode: number | undefined;
}

/** A PlatformIO build that finished well; `envs` is empty when the project's default environments were built. */
export interface PioBuild {
  readonly projectDir: string | undefined;
  readonly envs: readonly string[];
}

const pioPrograms = new Set(['pio', 'platformio', 'pio.exe', 'platformio.exe']);

/** The build a task produced, or undefined when it was no PlatformIO build or it failed. */
export function pioBuildOf(task: EndedTask): PioBuild | undefined {
  if (task.exitCode !== 0) return undefined;
  const fromPio = task.type === 'PlatformIO' || (task.command !== undefined && pioPrograms.has(basename(task.command)));
  if (!fromPio) return undefined;
  const args = task.args;
  if (args[0] !== 'run') return undefined;
  const envs: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    // Upload, clean, monitor and the like are `run --target X`: only a plain run is a build.
    if (a === '-t' || a === '--target' || a.startsWith('--target=')) return undefined;
    if ((a === '-e' || a === '--environment') && i + 1 < args.length) envs.push(args[++i]);
    else if (a.startsWith('--environment=')) envs.push(a.slice('--environment='.length));
  }
  let projectDir = task.cwd;
  const dirFlag = args.findIndex((a) => a === '-d' || a === '--project-dir');
  if (dirFlag > 0 && dirFlag + 1 < args.length) projectDir = args[dirFlag + 1];
  return { projectDir, envs };
}

/** Splits a shell command line into words, honouring simple quotes; enough for `pio run -e sim` style tasks. */
export function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** A shell task's execution as the editor reports it (vscode.ShellExecution, quoting already resolved). */
export interface ShellTaskExecution {
  readonly commandLine: string | undefined;
  /** '' or undefined when the task was given as one command line, which is how tasks.json's are reported. */
  readonly command: string | undefined;
  readonly args: readonly string[];
}

/** The program a shell task ran and its arguments. */
export function shellTaskWords(exec: ShellTaskExecution): { command: string | undefined; args: string[] } {
  const words = exec.commandLine !== undefined ? shellWords(exec.commandLine) : [exec.command ?? '', ...exec.args];
  return { command: words[0] || undefined, args: words.slice(1) };
}

/**
 * The folder a task ran in: its cwd with `${workspaceFolder}` resolved against the task's folder (the editor reports
 * tasks.json tasks with that variable unresolved, or no cwd at all); undefined when another variable is left.
 */
export function taskCwd(cwd: string | undefined, folder: string | undefined): string | undefined {
  if (cwd === undefined) return folder;
  const resolved = folder === undefined ? cwd : cwd.replace(/\$\{(workspaceFolder|workspaceRoot)\}/g, () => folder);
  if (resolved.includes('${')) return undefined;
  if (isAbsolute(resolved)) return resolved;
  return folder === undefined ? undefined : join(folder, resolved);
}
