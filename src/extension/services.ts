// The extension's shared parts, created once at activation and handed to every view and command.
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { ConfigError, resolveConfig, type ResolvedConfig } from '../common/config';
import type { Logger } from '../common/log';
import { resolveConnectionConfig, type ConnectionConfig } from './connectionConfig';
import type { DeploymentsModel } from './deploymentsModel';
import type { DeviceLogs } from './deviceLogs';
import type { DeviceTunnels } from './deviceTunnels';
import type { FleetModel } from './fleetModel';
import type { IdentityStore } from './identityStore';
import type { RelayConnection } from './relayConnection';

/** What views and commands share. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly fleet: FleetModel;
  readonly deployments: DeploymentsModel;
  readonly connection: RelayConnection;
  readonly identities: IdentityStore;
  readonly logs: DeviceLogs;
  readonly tunnels: DeviceTunnels;
  readonly output: vscode.LogOutputChannel;
  readonly log: Logger;
}

/** A Logger that writes to the Outpost output channel. */
export function outputLogger(output: vscode.LogOutputChannel, component = 'outpost'): Logger {
  const line = (msg: string, fields?: Record<string, unknown>): string =>
    `[${component}] ${msg}${fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''}`;
  return {
    debug: (m, f) => output.debug(line(m, f)),
    info: (m, f) => output.info(line(m, f)),
    warn: (m, f) => output.warn(line(m, f)),
    error: (m, f) => output.error(line(m, f)),
    child: (c) => outputLogger(output, `${component}.${c}`),
  };
}

/** The outpost.* settings this module reads. */
export function settings(): { relay?: string; identityFile?: string; gdbPath?: string; autoConnect: boolean } {
  const c = vscode.workspace.getConfiguration('outpost');
  return {
    relay: c.get<string>('relay') || undefined,
    identityFile: c.get<string>('identityFile') || undefined,
    gdbPath: c.get<string>('gdbPath') || undefined,
    autoConnect: c.get<boolean>('autoConnect', true),
  };
}

/** Relay and identity by precedence: settings > SecretStorage > OUTPOST_RELAY/OUTPOST_KEY > config file. */
export async function connectionConfig(s: Services): Promise<ConnectionConfig> {
  let cli: ResolvedConfig | undefined;
  try {
    cli = resolveConfig({ flags: {} });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    s.log.warn('ignoring the Outpost CLI config file', { reason: err.message });
  }
  return resolveConnectionConfig({ settings: settings(), storedIdentity: await s.identities.stored(), cli }, homedir());
}
