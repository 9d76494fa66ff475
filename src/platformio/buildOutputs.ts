// Where PlatformIO leaves an environment's firmware: <build_dir>/<env>/firmware.elf and firmware.bin.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformioError } from './errors';
import { ProjectConfig } from './ini';

/** The build outputs of one environment. */
export interface BuildOutputs {
  /** The environment the paths belong to (the default one when none was asked for). */
  readonly env: string;
  /** Absolute path of firmware.elf (symbols: what the debugger loads). */
  readonly elf: string;
  /** Absolute path of firmware.bin (the raw image). */
  readonly bin: string;
  /** True when firmware.elf exists, i.e. the environment has been built. */
  readonly exists: boolean;
  /** True when firmware.bin exists. */
  readonly binExists: boolean;
}

/**
 * The build outputs of `env` (default: the project's default environment) in the project at projectDir.
 * Throws PlatformioError NO_PLATFORMIO_INI, UNKNOWN_ENV, NO_ENVS or an ini error; a missing build is not an
 * error (see `exists`, and `requireBuilt`).
 */
export function buildOutputs(projectDir: string, env?: string, processEnv?: NodeJS.ProcessEnv): BuildOutputs {
  return outputsOf(ProjectConfig.load(projectDir, processEnv), env);
}

/** buildOutputs for an already loaded configuration. */
export function outputsOf(config: ProjectConfig, env?: string): BuildOutputs {
  const name = env ?? config.defaultEnv();
  config.requireEnv(name);
  const dir = join(config.buildDir(), name);
  const elf = join(dir, 'firmware.elf');
  const bin = join(dir, 'firmware.bin');
  return { env: name, elf, bin, exists: isFile(elf), binExists: isFile(bin) };
}

/** Throws NO_BUILD_OUTPUT, saying which command builds it, unless the ELF exists. */
export function requireBuilt(outputs: BuildOutputs): BuildOutputs {
  if (outputs.exists) return outputs;
  throw new PlatformioError(
    'NO_BUILD_OUTPUT',
    `no build output for environment "${outputs.env}" (${outputs.elf} is missing); build it first with \`pio run -e ${outputs.env}\``,
    outputs.env,
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}
