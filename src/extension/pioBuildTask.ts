// Pure: tells from a finished task whether it was a successful PlatformIO build, and of which environments.
import { basename } from 'node:path';

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
