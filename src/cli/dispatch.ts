// Finds the command an argv names, handles --help, parses its arguments and runs it.
import { parseCommandArgs } from './args';
import type { CliIo, Command } from './command';
import { usageError } from './errors';
import { commandHelp, overviewHelp } from './help';

const helpFlags = new Set(['--help', '-h']);

/** The command whose (multi-word) name is the longest prefix of argv, with the words that follow it. */
export function findCommand(
  commands: readonly Command[],
  argv: string[],
): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

/** Runs `outpost ARGV…` against the command table; resolves to the exit code, throws CliError on failure. */
export async function runCli(commands: readonly Command[], argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || helpFlags.has(argv[0]) || (argv[0] === 'help' && argv.length === 1)) {
    io.stdout.write(overviewHelp(commands));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === 'help') return runCli(commands, [...argv.slice(1), '--help'], io);

  const found = findCommand(commands, argv);
  if (!found) {
    const group = argv[0];
    if (commands.some((c) => c.name.startsWith(group + ' '))) {
      if (argv.length === 1 || helpFlags.has(argv[1])) {
        io.stdout.write(overviewHelp(commands, group));
        return argv.length === 1 ? 2 : 0;
      }
      throw usageError(`unknown command "outpost ${group} ${argv[1]}"; see: outpost ${group} --help`);
    }
    throw usageError(`unknown command "${argv[0]}"; see: outpost --help`);
  }
  const beforeDashDash = found.rest.includes('--') ? found.rest.slice(0, found.rest.indexOf('--')) : found.rest;
  if (beforeDashDash.some((a) => helpFlags.has(a))) {
    io.stdout.write(commandHelp(found.command));
    return 0;
  }
  const args = parseCommandArgs(found.command, found.rest);
  return (await found.command.run(args, io)) ?? 0;
}
