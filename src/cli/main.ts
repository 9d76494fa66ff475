// Entry point of the `outpost` CLI: runs one command from the table and turns any failure into one line and an exit code.
import type { CliIo } from './command';
import { commands } from './commands';
import { runCli } from './dispatch';
import { toCliError } from './errors';

async function main(): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    // The first signal asks the command to stop cleanly; a second one means the user wants out now.
    if (++signals > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  try {
    process.exitCode = await runCli(commands, process.argv.slice(2), io);
  } catch (err) {
    const cliError = toCliError(err);
    process.stderr.write(`outpost: ${cliError.message}\n`);
    if (process.env.OUTPOST_LOG_LEVEL === 'debug' && err instanceof Error && err.stack)
      process.stderr.write(err.stack + '\n');
    process.exitCode = cliError.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

void main();
