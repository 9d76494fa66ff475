// The contract every `outpost` command implements: one file per command under commands/, listed in commands/index.ts.

/** One option of a command, as `node:util` parseArgs takes it plus what `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Repeatable (`--tag a=1 --tag b=2`); the value is then an array. */
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
  description: string;
}

/** The options table of a command. */
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed value of one option: boolean flags are false when absent, repeatable ones an empty array. */
export type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : string | undefined;

/** What a command's run() receives: typed options, positional words and whatever followed `--`. */
export interface CommandArgs<O extends OptionSpecs> {
  options: { [K in keyof O]: OptionValue<O[K]> };
  positionals: string[];
  /** Words after a literal `--` (e.g. `outpost exec DEV -- reboot now`), never parsed as options. */
  rest: string[];
}

/** The process around a command; tests pass their own streams, env and cwd. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands (relay, agent, tunnel) stop cleanly when it fires. */
  signal: AbortSignal;
}

/** A command as its file declares it. */
export interface CommandSpec<O extends OptionSpecs> {
  /** The words that invoke it, e.g. `'device add'`. */
  name: string;
  /** One line for `outpost --help`. */
  summary: string;
  /** Positional part of the usage line, e.g. `'NAME'` or `'DEVICE -- CMD…'`. */
  args?: string;
  /** How many positional words it takes (default 0..0). */
  positionals?: { min: number; max: number };
  /** Whether it takes words after `--` (default: refused). */
  acceptsRest?: boolean;
  options: O;
  /** Longer help text printed under the usage line. */
  details?: string;
  /**
   * Does the work. Resolves to the exit code (undefined = 0); throws CliError for a failure the user can fix.
   * Write results to io.stdout and progress or notices to io.stderr.
   */
  run(args: CommandArgs<O>, io: CliIo): Promise<number | void>;
}

/** A registered command with its option types erased, as the dispatcher holds it. */
export type Command = CommandSpec<OptionSpecs>;

/** Declares a command; keeps the options' types for run() while letting the table hold every command. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return spec as unknown as Command;
}
