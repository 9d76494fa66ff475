// The CLI's one error type: a one-line message for the user and the process exit code.
import { TargetError } from '../agent/targets/errors';
import { ConfigError } from '../common/config';
import { IdentityFileError } from '../common/identityFile';
import { RelayError } from '../link/errors';
import { PlatformioError } from '../platformio/errors';
import { FirmwareError } from '../platformio/firmwareErrors';

/** Exit codes of `outpost`: 0 success, 1 the operation failed, 2 the command line was wrong. */
export enum ExitCode {
  OK = 0,
  FAILED = 1,
  USAGE = 2,
}

/** An error the CLI reports as one line on stderr and turns into the exit code; main.ts catches it once. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A wrong command line: unknown option, missing argument, bad value. Exits with ExitCode.USAGE. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.USAGE);
}

/**
 * The CliError to report for anything a command threw: CliErrors as they are, the user-facing errors of other
 * modules (config, key files, the relay's answers, targets, firmware and project files) with their own one-line
 * message, anything else as an internal error (first line only).
 */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (
    err instanceof ConfigError ||
    err instanceof IdentityFileError ||
    err instanceof RelayError ||
    err instanceof TargetError ||
    err instanceof FirmwareError ||
    err instanceof PlatformioError
  ) {
    return new CliError(err.message.split('\n')[0]);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CliError(`internal error: ${message.split('\n')[0]}`);
}
