// The Fleet tree: tag groups and devices from the FleetModel, refreshed on every relay event.
import * as vscode from 'vscode';
import type { DeviceRow, FleetGroup, FleetModel } from './fleetModel';

/** A node: a tag group or a device under it. */
export type FleetNode = { kind: 'group'; group: FleetGroup } | { kind: 'device'; row: DeviceRow };

/** Commands get the device name from a device node, or from the node's argument when invoked otherwise. */
export function deviceNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as (Partial<FleetNode> & { device?: unknown; name?: unknown }) | undefined;
  if (node?.kind === 'device') return node.row?.name;
  if (typeof node?.device === 'string') return node.device;
  if (typeof node?.name === 'string') return node.name;
  return undefined;
}

export class FleetTreeProvider implements vscode.TreeDataProvider<FleetNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FleetNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  // Relative ages ("seen 2 min ago") go stale without events; a slow local tick re-renders them.
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly fleet: FleetModel) {
    this.subscription = fleet.onDidChange(() => this.changed.fire(undefined));
    this.ticker = setInterval(() => {
      if (fleet.counts().total > 0) this.changed.fire(undefined);
    }, 30_000);
  }

  getTreeItem(node: FleetNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.group.id;
      item.description = node.group.description;
      item.iconPath = new vscode.ThemeIcon('tag');
      item.contextValue = 'outpost.tagGroup';
      return item;
    }
    const row = node.row;
    const item = new vscode.TreeItem(row.name, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = new vscode.MarkdownString(row.tooltip);
    item.iconPath = new vscode.ThemeIcon(row.icon.id, new vscode.ThemeColor(row.icon.color));
    item.contextValue = row.contextValue;
    item.accessibilityInformation = { label: `${row.name}, ${row.description}` };
    return item;
  }

  getChildren(node?: FleetNode): FleetNode[] {
    if (!node) return this.fleet.groups(Date.now()).map((group) => ({ kind: 'group', group }));
    if (node.kind === 'group') return node.group.devices.map((row) => ({ kind: 'device', row }));
    return [];
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
