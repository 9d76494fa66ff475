// The Deployments view's data: rollouts with their waves and each device's progress, as tree rows.
import {
  parseDeployment,
  type Deployment,
  type DeviceUpdate,
  type DeviceUpdateState,
  type RolloutState,
} from './deploymentJson';
import { escapeMarkdown, formatBytes } from './format';
import type { IconSpec } from './fleetModel';

/** One row of the Deployments tree; `children` are waves (staged rollouts) or devices. */
export interface DeploymentRow {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: IconSpec;
  /** `outpost.deployment.<state>`, `outpost.wave` or `outpost.deploymentDevice`. */
  readonly contextValue: string;
  /** The deployment id (all rows) and the device name (device rows), for commands. */
  readonly deploymentId: string;
  readonly device?: string;
  readonly children: DeploymentRow[];
}

const DONE: readonly DeviceUpdateState[] = ['confirmed', 'failed', 'rolled_back', 'canceled'];
const ROLLOUT_ICONS: Record<RolloutState, IconSpec> = {
  running: { id: 'loading~spin', color: 'charts.blue' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  aborted: { id: 'circle-slash', color: 'disabledForeground' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};
const DEVICE_ICONS: Record<DeviceUpdateState, IconSpec> = {
  pending: { id: 'circle-large-outline', color: 'disabledForeground' },
  downloading: { id: 'cloud-download', color: 'charts.blue' },
  verifying: { id: 'shield', color: 'charts.blue' },
  deferred: { id: 'watch', color: 'charts.yellow' },
  installing: { id: 'desktop-download', color: 'charts.blue' },
  rebooting: { id: 'debug-restart', color: 'charts.blue' },
  confirming: { id: 'loading~spin', color: 'charts.blue' },
  confirmed: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  rolled_back: { id: 'history', color: 'charts.yellow' },
  canceled: { id: 'circle-slash', color: 'disabledForeground' },
};

/** What a device's update is doing, in words: "downloading 45% (460.8 KiB of 1.0 MiB)", "failed: reason". */
export function describeUpdate(u: DeviceUpdate): string {
  const state = u.state.replace('_', ' ');
  if (u.state === 'downloading' && u.bytes !== undefined && u.total) {
    const pct = Math.min(100, Math.floor((u.bytes / u.total) * 100));
    return `downloading ${pct}% (${formatBytes(u.bytes)} of ${formatBytes(u.total)})`;
  }
  return u.reason && u.state !== 'confirmed' ? `${state}: ${u.reason}` : state;
}

function summary(devices: DeviceUpdate[]): string {
  const confirmed = devices.filter((d) => d.state === 'confirmed').length;
  const bad = devices.filter((d) => d.state === 'failed' || d.state === 'rolled_back').length;
  return `${confirmed}/${devices.length} confirmed` + (bad ? ` · ${bad} failed` : '');
}

function deviceRow(dep: Deployment, u: DeviceUpdate): DeploymentRow {
  const text = describeUpdate(u);
  return {
    id: `deployment:${dep.id}:device:${u.device}`,
    label: u.device,
    description: text,
    tooltip: `**${escapeMarkdown(u.device)}**: ${escapeMarkdown(text)}`,
    icon: DEVICE_ICONS[u.state],
    contextValue: 'outpost.deploymentDevice',
    deploymentId: dep.id,
    device: u.device,
    children: [],
  };
}

/** The rows of one deployment: waves when staged in more than one wave, else its devices directly. */
export function deploymentRow(dep: Deployment): DeploymentRow {
  const all = dep.waves.flatMap((w) => w.devices);
  const current = dep.waves.findIndex((w) => w.devices.some((d) => !DONE.includes(d.state)));
  const wavePart = dep.waves.length > 1 && current !== -1 ? ` · wave ${current + 1}/${dep.waves.length}` : '';
  const children =
    dep.waves.length > 1
      ? dep.waves.map((w, i) => ({
          id: `deployment:${dep.id}:wave:${i}`,
          label: `Wave ${i + 1}` + (w.percent !== undefined ? ` (${w.percent}%)` : ''),
          description: summary(w.devices),
          tooltip: `Wave ${i + 1} of ${dep.waves.length}: ${summary(w.devices)}`,
          icon: w.devices.every((d) => d.state === 'confirmed')
            ? DEVICE_ICONS.confirmed
            : { id: 'layers', color: 'foreground' },
          contextValue: 'outpost.wave',
          deploymentId: dep.id,
          children: w.devices.map((u) => deviceRow(dep, u)),
        }))
      : all.map((u) => deviceRow(dep, u));
  const by = dep.createdBy ? ` by ${escapeMarkdown(dep.createdBy)}` : '';
  const at = dep.createdAt ? ` at ${escapeMarkdown(dep.createdAt)}` : '';
  return {
    id: `deployment:${dep.id}`,
    label: `${dep.artifact}`,
    description: `${dep.state}${wavePart} · ${summary(all)}` + (dep.reason ? ` · ${dep.reason}` : ''),
    tooltip:
      `**Deployment ${escapeMarkdown(dep.id)}** of ${escapeMarkdown(dep.artifact)}${by}${at}: ${dep.state}` +
      (dep.reason ? ` (${escapeMarkdown(dep.reason)})` : ''),
    icon: ROLLOUT_ICONS[dep.state],
    contextValue: `outpost.deployment.${dep.state}`,
    deploymentId: dep.id,
    children,
  };
}

/** The deployments the relay reported, newest first, kept current from events. */
export class DeploymentsModel {
  private readonly deployments = new Map<string, Deployment>();
  private readonly listeners = new Set<() => void>();

  /** Replaces everything with a `deployments.list` result; entries without an id are skipped. */
  reset(list: readonly unknown[]): void {
    this.deployments.clear();
    for (const item of list) {
      const d = parseDeployment(item);
      if (d) this.deployments.set(d.id, d);
    }
    this.changed();
  }

  /** A deployment was created or changed (whole object); returns false when the JSON had no id. */
  upsert(json: unknown): boolean {
    const d = parseDeployment(json);
    if (!d) return false;
    this.deployments.set(d.id, d);
    this.changed();
    return true;
  }

  remove(id: string): void {
    if (this.deployments.delete(id)) this.changed();
  }

  clear(): void {
    if (this.deployments.size === 0) return;
    this.deployments.clear();
    this.changed();
  }

  get(id: string): Deployment | undefined {
    return this.deployments.get(id);
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Newest first (by createdAt, then id). */
  rows(): DeploymentRow[] {
    return [...this.deployments.values()]
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id.localeCompare(a.id))
      .map(deploymentRow);
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
