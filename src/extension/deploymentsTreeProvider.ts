// The Deployments tree: rollouts, waves and devices from the DeploymentsModel, refreshed on relay events.
import * as vscode from 'vscode';
import type { DeploymentRow, DeploymentsModel } from './deploymentsModel';

export class DeploymentsTreeProvider implements vscode.TreeDataProvider<DeploymentRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeploymentRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly model: DeploymentsModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(row: DeploymentRow): vscode.TreeItem {
    const state = row.children.length
      ? row.contextValue.startsWith('outpost.deployment.running') || row.contextValue === 'outpost.wave'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(row.label, state);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = new vscode.MarkdownString(row.tooltip);
    item.iconPath = new vscode.ThemeIcon(row.icon.id, new vscode.ThemeColor(row.icon.color));
    item.contextValue = row.contextValue;
    return item;
  }

  getChildren(row?: DeploymentRow): DeploymentRow[] {
    return row ? row.children : this.model.rows();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
