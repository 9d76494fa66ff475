// Where the relay URL and the identity key file come from: flags, then OUTPOST_RELAY / OUTPOST_KEY, then the config file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The settings every operator-side tool needs to reach the relay. */
export interface OutpostConfig {
  /** Relay URL, e.g. `wss://relay.example.com` or `ws://127.0.0.1:7600`. */
  relay?: string;
  /** Absolute path of the ed25519 identity file. */
  key?: string;
}

/** Where a resolved value came from, so an error can say what to fix. */
export type ConfigSource = 'flag' | 'env' | 'file';

/** A config value with its origin. */
export interface Sourced {
  value: string;
  source: ConfigSource;
}

/** The config file could not be used (unreadable, not JSON, wrong shape); the message says which file and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `$XDG_CONFIG_HOME/outpost/config.json`, else `~/.config/outpost/config.json`. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'outpost', 'config.json');
}

/** Reads `{"relay": ..., "key": ...}`; a missing file is an empty config, a broken one a ConfigError. */
export function readConfigFile(file: string): OutpostConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not valid JSON: fix it or delete it`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${file} must hold a JSON object like {"relay": "wss://…", "key": "/path/to/key"}`);
  }
  const out: OutpostConfig = {};
  for (const field of ['relay', 'key'] as const) {
    const v = (data as Record<string, unknown>)[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new ConfigError(`${file}: "${field}" must be a non-empty string`);
    out[field] = v;
  }
  return out;
}

/** Inputs to resolveConfig; everything but flags defaults to the current process. */
export interface ConfigInputs {
  flags: OutpostConfig;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** Overrides configFilePath(env, home). */
  configFile?: string;
}

/** The relay URL and key file with their sources; absent when no layer sets them. */
export interface ResolvedConfig {
  relay?: Sourced;
  key?: Sourced;
  /** The config file that was consulted (whether or not it exists). */
  configFile: string;
}

/**
 * Resolves each setting independently: flag > OUTPOST_RELAY / OUTPOST_KEY > config file. Key paths become
 * absolute: flags and env relative to cwd, the file's relative to the file's folder; `~/` means home.
 */
export function resolveConfig(inputs: ConfigInputs): ResolvedConfig {
  const env = inputs.env ?? process.env;
  const cwd = inputs.cwd ?? process.cwd();
  const home = inputs.home ?? os.homedir();
  const configFile = inputs.configFile ?? configFilePath(env, home);
  let file: OutpostConfig | undefined;
  const fromFile = (): OutpostConfig => (file ??= readConfigFile(configFile));
  const keyPath = (p: string, base: string): string =>
    p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : path.resolve(base, p);

  const pick = (flag: string | undefined, envName: string, field: keyof OutpostConfig): Sourced | undefined => {
    if (flag) return { value: flag, source: 'flag' };
    if (env[envName]) return { value: env[envName], source: 'env' };
    const v = fromFile()[field];
    return v ? { value: v, source: 'file' } : undefined;
  };
  const relay = pick(inputs.flags.relay, 'OUTPOST_RELAY', 'relay');
  const key = pick(inputs.flags.key, 'OUTPOST_KEY', 'key');
  if (key) key.value = keyPath(key.value, key.source === 'file' ? path.dirname(configFile) : cwd);
  return { relay, key, configFile };
}
