// Fills `"type": "outpost"` debug configurations: defaults from settings, the ELF from `pioEnv`, clear errors.
import * as vscode from 'vscode';
import { ProjectConfig } from '../platformio/ini';
import { buildAction, reportError, showError } from './commandRunner';
import { Commands, DEBUG_TYPE } from './ids';
import { NotAvailableYet } from './notAvailable';
import type { DeviceStubRequest } from '../debug/stub/stubConnector';
import { deviceConnector, type ChannelOpener } from '../debug/tunnel/deviceConnector';
import { connectedOpener } from './deviceChannels';
import { DebugError, ErrorCode } from '../debug/errors';
import { sameRelay } from './connectionConfig';
import { settings, type Services } from './services';
import { completeDebugConfig } from './debugConfig';
import { currentProjectDir, findCurrentProjectDir } from './workspaceProject';

const pickDevice = '${command:' + Commands.pickDevice + '}';

/** The configuration "Run and Debug" offers for a project with platformio.ini. */
export function attachConfiguration(pioEnv?: string): vscode.DebugConfiguration {
  return {
    type: DEBUG_TYPE,
    request: 'attach',
    name: 'Outpost: attach to device',
    device: pickDevice,
    ...(pioEnv ? { pioEnv } : {}),
  };
}

export class OutpostDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly s: Services) {}

  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    try {
      return [attachConfiguration(ProjectConfig.load(currentProjectDir(folder?.uri.fsPath)).defaultEnv())];
    } catch (err) {
      this.s.log.info('no PlatformIO environment for the initial configuration', { reason: String(err) });
      return [attachConfiguration()];
    }
  }

  /** F5 without launch.json gets an attach configuration; relay, identity and GDB come from settings. */
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    const c = config.type || config.request || config.name ? { ...config } : attachConfiguration();
    c.type = DEBUG_TYPE;
    c.request ??= 'attach';
    const set = settings();
    c.relay ??= set.relay;
    c.identityFile ??= set.identityFile;
    c.gdbPath ??= set.gdbPath;
    return c;
  }

  /** Checks the target and resolves `executable` from `pioEnv` (or the project's default environment). */
  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    try {
      const cwd = typeof config.cwd === 'string' ? config.cwd : folder?.uri.fsPath;
      const result = completeDebugConfig(config, findCurrentProjectDir(cwd));
      switch (result.kind) {
        case 'ready':
          return result.config as vscode.DebugConfiguration;
        case 'noTarget':
          // Not awaited: the message stays until dismissed, and the launch must not wait for that.
          void showError('Outpost: the debug configuration needs "device" (a device name) or "gdbTarget" (host:port).');
          return undefined;
        case 'noExecutable':
          throw new NotAvailableYet('buildIdLookup');
        case 'notBuilt':
          void showError(
            `Outpost: no build output for [env:${result.env}]: ${result.elf} is missing. Build it first (pio run -e ${result.env}).`,
            buildAction(result.env, result.projectDir),
          );
          return undefined;
      }
    } catch (err) {
      void reportError(this.s, 'debug configuration', err);
      return undefined;
    }
  }
}

// The relay session a device debug session uses: the extension's own connection, to the relay launch.json names.
function relaySession(s: Services): (request: DeviceStubRequest) => Promise<ChannelOpener> {
  return async (request) => {
    const connectedTo = s.connection.state.kind === 'connected' ? s.connection.state.relay : undefined;
    if (!connectedTo) {
      throw new DebugError(
        ErrorCode.DeviceNeedsTunnel,
        'Outpost is not connected to a relay: run "Outpost: Connect to Relay…" first',
      );
    }
    if (request.relay && !sameRelay(request.relay, connectedTo)) {
      throw new DebugError(
        ErrorCode.DeviceNeedsTunnel,
        `launch.json "relay" is ${request.relay} but Outpost is connected to ${connectedTo}: connect to that relay, or remove "relay" from launch.json`,
      );
    }
    return connectedOpener(s);
  };
}

/** Runs the Outpost debug session inside the extension host, reaching devices through the extension's relay link. */
export class OutpostDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly s: Services) {}

  async createDebugAdapterDescriptor(): Promise<vscode.DebugAdapterDescriptor> {
    // Loaded on the first debug session: GDB/MI and DAP code stay out of activation.
    const { OutpostDebugSession } = await import(/* webpackMode: "eager" */ '../debug/session/outpostSession');
    const { directConnector } = await import(/* webpackMode: "eager" */ '../debug/stub/directConnector');
    const log = this.s.log.child('debug');
    const session = new OutpostDebugSession({
      connectors: { gdbTarget: directConnector, device: deviceConnector(relaySession(this.s), log) },
      settingGdbPath: settings().gdbPath,
      logger: log,
    });
    return new vscode.DebugAdapterInlineImplementation(session);
  }
}

/** Registers the provider (initial and resolve) and the adapter factory for `type: outpost`. */
export function registerDebug(s: Services): vscode.Disposable[] {
  const provider = new OutpostDebugConfigurationProvider(s);
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new OutpostDebugAdapterFactory(s)),
  ];
}
