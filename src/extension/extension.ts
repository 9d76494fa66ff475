// Entry point of the VS Code extension: builds the shared parts, registers views, commands and providers.
import * as vscode from 'vscode';
import { autoConnect, registerConnectCommands } from './connectCommands';
import { registerDashboard } from './dashboard/dashboardPanel';
import { registerDebug } from './debugConfigProvider';
import { DeploymentsModel } from './deploymentsModel';
import { registerPioBuildOffer } from './pioBuildOffer';
import { DeploymentsTreeProvider } from './deploymentsTreeProvider';
import { DeviceLogs } from './deviceLogs';
import { DeviceTunnels } from './deviceTunnels';
import { registerDeviceCommands } from './deviceCommands';
import { FleetModel } from './fleetModel';
import { FleetTreeProvider } from './fleetTreeProvider';
import { IdentityStore } from './identityStore';
import { ContextKeys, Views } from './ids';
import { operatorConnector } from './operatorLink';
import { registerPioCodeLens } from './pioCodeLens';
import { RelayConnection, type ConnectionState } from './relayConnection';
import { outputLogger, settings, type Services } from './services';
import { createStatusBar } from './statusBar';

// Mirrors the connection state into context keys for `when` clauses (welcome views, menus).
function syncContext(state: ConnectionState): void {
  void vscode.commands.executeCommand('setContext', ContextKeys.connected, state.kind === 'connected');
  void vscode.commands.executeCommand('setContext', ContextKeys.connectionState, state.kind);
  void vscode.commands.executeCommand(
    'setContext',
    ContextKeys.deploymentsAvailable,
    state.kind === 'connected' && state.deployments,
  );
}

/**
 * Activation registers only; the relay link (ws, ed25519) loads on the first connection, and the
 * auto-connect runs after activation returns, so activation stays a few milliseconds.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Outpost', { log: true });
  const log = outputLogger(output);
  const fleet = new FleetModel();
  const deployments = new DeploymentsModel();
  const connection = new RelayConnection(operatorConnector(log.child('link')), fleet, deployments, undefined, log);
  const s: Services = {
    context,
    fleet,
    deployments,
    connection,
    identities: new IdentityStore(context.secrets),
    logs: new DeviceLogs(),
    tunnels: new DeviceTunnels(log.child('tunnel')),
    output,
    log,
  };
  const fleetTree = new FleetTreeProvider(fleet);
  const deploymentsTree = new DeploymentsTreeProvider(deployments);
  context.subscriptions.push(
    output,
    connection,
    s.logs,
    { dispose: () => void s.tunnels.closeAll() },
    fleetTree,
    deploymentsTree,
    vscode.window.createTreeView(Views.fleet, { treeDataProvider: fleetTree, showCollapseAll: true }),
    vscode.window.createTreeView(Views.deployments, { treeDataProvider: deploymentsTree }),
    createStatusBar(connection, fleet),
    connection.onDidChangeState((state) => {
      syncContext(state);
      // Tunnels and log streams belong to the link that opened them.
      if (state.kind !== 'connected') {
        void s.tunnels.closeAll();
        s.logs.stopAll();
      }
      if (state.kind === 'failed') log.warn('relay connection failed', { relay: state.relay, reason: state.message });
      if (state.kind === 'connected') log.info('connected', { relay: state.relay, as: state.operator });
    }),
    registerPioCodeLens(),
    registerPioBuildOffer(),
    ...registerDebug(s),
    ...registerConnectCommands(s),
    ...registerDeviceCommands(s),
    ...registerDashboard(s),
  );
  syncContext(connection.state);
  if (settings().autoConnect) {
    setImmediate(() => {
      autoConnect(s).catch((err: unknown) => log.warn('auto-connect failed', { reason: (err as Error).message }));
    });
  }
}

/** Everything is disposed through context.subscriptions. */
export function deactivate(): void {}
