// Fills `"type": "outpost"` debug configurations: defaults from settings, the ELF from `pioEnv`, clear errors.
import * as vscode from 'vscode';
import { outputsOf } from '../platformio/buildOutputs';
import { ProjectConfig } from '../platformio/ini';
import { buildAction, reportError, showError } from './commandRunner';
import { Commands, DEBUG_TYPE } from './ids';
import { NotAvailableYet } from './notAvailable';
import { settings, type Services } from './services';
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
  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    try {
      if (!config.device && !config.gdbTarget) {
        await showError('Outpost: the debug configuration needs "device" (a device name) or "gdbTarget" (host:port).');
        return undefined;
      }
      if (config.executable) return config;
      const projectDir = findCurrentProjectDir(typeof config.cwd === 'string' ? config.cwd : folder?.uri.fsPath);
      if (!projectDir) throw new NotAvailableYet('buildIdLookup');
      const outputs = outputsOf(ProjectConfig.load(projectDir), config.pioEnv);
      if (!outputs.exists) {
        await showError(
          `Outpost: no build output for [env:${outputs.env}]: ${outputs.elf} is missing. Build it first (pio run -e ${outputs.env}).`,
          buildAction(outputs.env, projectDir),
        );
        return undefined;
      }
      return { ...config, executable: outputs.elf, pioEnv: outputs.env, cwd: config.cwd ?? projectDir };
    } catch (err) {
      await reportError(this.s, 'debug configuration', err);
      return undefined;
    }
  }
}

/**
 * Runs the debug adapter inside the extension host. src/debug exports no session yet, so starting a session
 * says so instead of failing obscurely.
 */
export class OutpostDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    throw new NotAvailableYet('debugAdapter');
  }
}

/** Registers the provider (initial and resolve) and the adapter factory for `type: outpost`. */
export function registerDebug(s: Services): vscode.Disposable[] {
  const provider = new OutpostDebugConfigurationProvider(s);
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new OutpostDebugAdapterFactory()),
  ];
}
