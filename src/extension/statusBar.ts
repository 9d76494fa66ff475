// The status bar item: relay and n/m devices online, kept current from the connection and the fleet.
import * as vscode from 'vscode';
import type { FleetModel } from './fleetModel';
import type { RelayConnection } from './relayConnection';
import { statusView } from './statusModel';

/** Creates the item and everything that updates it; dispose the result to remove it. */
export function createStatusBar(connection: RelayConnection, fleet: FleetModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('outpost.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Outpost';
  const render = (): void => {
    const view = statusView(connection.state, fleet.counts());
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.command = view.command;
    item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
  };
  render();
  item.show();
  return vscode.Disposable.from(item, connection.onDidChangeState(render), fleet.onDidChange(render));
}
