// Completing a `"type": "outpost"` debug configuration before it starts: the target is named, the ELF is known.
import { outputsOf } from '../platformio/buildOutputs';
import { ProjectConfig } from '../platformio/ini';

/** A debug configuration as VS Code hands it over (launch.json attributes). */
export type DebugConfig = Record<string, unknown>;

/** What is still missing, or the configuration ready to start. */
export type DebugConfigResult =
  | { readonly kind: 'ready'; readonly config: DebugConfig }
  /** Neither `device` nor `gdbTarget`. */
  | { readonly kind: 'noTarget' }
  /** No `executable` and no PlatformIO project to take it from. */
  | { readonly kind: 'noExecutable' }
  /** The environment's firmware.elf has not been built. */
  | { readonly kind: 'notBuilt'; readonly env: string; readonly elf: string; readonly projectDir: string };

/**
 * Fills `executable` from `pioEnv` (default: the project's default environment) in `projectDir`, and `cwd`.
 * Throws PlatformioError for a broken platformio.ini or an unknown `pioEnv`.
 */
export function completeDebugConfig(config: DebugConfig, projectDir: string | undefined): DebugConfigResult {
  if (!config.device && !config.gdbTarget) return { kind: 'noTarget' };
  if (typeof config.executable === 'string' && config.executable !== '') return { kind: 'ready', config };
  if (!projectDir) return { kind: 'noExecutable' };
  const pioEnv = typeof config.pioEnv === 'string' && config.pioEnv !== '' ? config.pioEnv : undefined;
  const outputs = outputsOf(ProjectConfig.load(projectDir), pioEnv);
  if (!outputs.exists) return { kind: 'notBuilt', env: outputs.env, elf: outputs.elf, projectDir };
  return {
    kind: 'ready',
    config: { ...config, executable: outputs.elf, pioEnv: outputs.env, cwd: config.cwd ?? projectDir },
  };
}
