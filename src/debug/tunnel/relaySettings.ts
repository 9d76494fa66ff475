// Which relay and operator key a `device` debug session uses: launch.json, then the adapter's flags, env, config file.
import { ConfigError, resolveConfig } from '../../common/config';
import { DebugError, ErrorCode } from '../errors';
import type { DeviceStubRequest } from '../stub/stubConnector';

/** What the adapter's host knows besides launch.json: `--relay`/`--key` and the process's environment. */
export interface RelayDefaults {
  /** `outpost debug-adapter --relay URL`; launch.json `relay` wins over it. */
  relay?: string;
  /** `outpost debug-adapter --key FILE`; launch.json `identityFile` wins over it. */
  key?: string;
  /** Default process.env (OUTPOST_RELAY, OUTPOST_KEY, XDG_CONFIG_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Relative key paths resolve against it; default process.cwd(). */
  cwd?: string;
  /** Default os.homedir() (for ~/.config/outpost/config.json and `~/` in key paths). */
  home?: string;
}

/** The relay URL and the operator key file one session connects with. */
export interface RelaySettings {
  relay: string;
  keyFile: string;
}

/**
 * Resolves the relay and key file for a device request: launch.json `relay` / `identityFile`, then the defaults,
 * then OUTPOST_RELAY / OUTPOST_KEY, then ~/.config/outpost/config.json. Throws one DebugError saying where to set
 * a missing value, or what is wrong with the config file.
 */
export function relaySettingsFor(request: DeviceStubRequest, defaults: RelayDefaults = {}): RelaySettings {
  let config;
  try {
    config = resolveConfig({
      flags: { relay: request.relay ?? defaults.relay, key: request.identityFile ?? defaults.key },
      env: defaults.env,
      cwd: defaults.cwd,
      home: defaults.home,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new DebugError(ErrorCode.RelayNotConfigured, err.message);
    throw err;
  }
  if (!config.relay) {
    throw new DebugError(
      ErrorCode.RelayNotConfigured,
      `no relay to reach device "${request.device}" through: set "relay" in launch.json, OUTPOST_RELAY, or "relay" in ${config.configFile}`,
    );
  }
  if (!config.key) {
    throw new DebugError(
      ErrorCode.RelayNotConfigured,
      `no operator key for ${config.relay.value}: set "identityFile" in launch.json, OUTPOST_KEY, or "key" in ${config.configFile}`,
    );
  }
  return { relay: config.relay.value, keyFile: config.key.value };
}
