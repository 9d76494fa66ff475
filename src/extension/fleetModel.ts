// The Fleet view's data: devices as the relay reports them, grouped by tag, with what each row shows.
import type { DeviceInfo } from '../protocol/control';
import { escapeMarkdown, formatDuration, relativeTime, signalOf } from './format';

/** A codicon id with the theme color it is drawn in. */
export interface IconSpec {
  readonly id: string;
  readonly color: string;
}

/** One device row. */
export interface DeviceRow {
  /** Unique in the tree (a device appears once per tag group). */
  readonly id: string;
  readonly name: string;
  readonly online: boolean;
  readonly icon: IconSpec;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
  /** Context value for menus: `outpost.device.online` or `outpost.device.offline`. */
  readonly contextValue: string;
}

/** One tag group (`key=value`), or the group of untagged devices. */
export interface FleetGroup {
  readonly id: string;
  readonly label: string;
  /** "2/3 online". */
  readonly description: string;
  readonly devices: DeviceRow[];
}

export const UNTAGGED = 'untagged';
const ONLINE_ICON: IconSpec = { id: 'circle-filled', color: 'testing.iconPassed' };
const OFFLINE_ICON: IconSpec = { id: 'circle-outline', color: 'disabledForeground' };
const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** The devices the relay reported, kept current from device.updated / device.removed events. */
export class FleetModel {
  private readonly devices = new Map<string, DeviceInfo>();
  private readonly listeners = new Set<() => void>();

  /** Replaces everything (after fleet.subscribe). */
  reset(devices: readonly DeviceInfo[]): void {
    this.devices.clear();
    for (const d of devices) this.devices.set(d.name, d);
    this.changed();
  }

  /** A device appeared or changed. */
  upsert(device: DeviceInfo): void {
    this.devices.set(device.name, device);
    this.changed();
  }

  /** A device was removed from the registry. */
  remove(name: string): void {
    if (this.devices.delete(name)) this.changed();
  }

  /** Calls `listener` after every change; returns its disposer. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(name: string): DeviceInfo | undefined {
    return this.devices.get(name);
  }

  /** Every device, sorted by name. */
  all(): DeviceInfo[] {
    return [...this.devices.values()].sort((a, b) => byName(a.name, b.name));
  }

  /** Online and total counts (for the status bar). */
  counts(): { online: number; total: number } {
    const all = [...this.devices.values()];
    return { online: all.filter((d) => d.online).length, total: all.length };
  }

  /**
   * Tag groups sorted by key then value, the untagged group last; a device with several tags appears under
   * each. Devices sort by name (numbers numerically: dev-2 before dev-10).
   */
  groups(now: number): FleetGroup[] {
    const groups = new Map<string, DeviceInfo[]>();
    for (const d of this.all()) {
      const tags = Object.entries(d.tags).map(([k, v]) => `${k}=${v}`);
      for (const key of tags.length ? tags : [UNTAGGED]) groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    const keys = [...groups.keys()].filter((k) => k !== UNTAGGED).sort(byName);
    if (groups.has(UNTAGGED)) keys.push(UNTAGGED);
    return keys.map((key) => {
      const members = groups.get(key)!;
      const online = members.filter((d) => d.online).length;
      return {
        id: `group:${key}`,
        label: key,
        description: `${online}/${members.length} online`,
        devices: members.map((d) => deviceRow(d, `device:${key}:${d.name}`, now)),
      };
    });
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** One device's row: icon, "firmware · signal · last seen" and a markdown tooltip with every field. */
export function deviceRow(d: DeviceInfo, id: string, now: number): DeviceRow {
  const parts: string[] = [];
  if (!d.online) parts.push('offline');
  if (d.firmwareVersion) parts.push(d.firmwareVersion);
  // A signal reading from an offline device is stale, so it is shown only in the tooltip.
  if (d.online && d.rssi !== null) parts.push(`${signalOf(d.rssi).glyph} ${d.rssi} dBm`);
  parts.push(d.lastSeen ? `seen ${relativeTime(d.lastSeen, now)}` : 'never seen');
  return {
    id,
    name: d.name,
    online: d.online,
    icon: d.online ? ONLINE_ICON : OFFLINE_ICON,
    description: parts.join(' · '),
    tooltip: deviceTooltip(d, now),
    contextValue: d.online ? 'outpost.device.online' : 'outpost.device.offline',
  };
}

/** Full telemetry as a markdown table. */
export function deviceTooltip(d: DeviceInfo, now: number): string {
  const e = escapeMarkdown;
  const when = (iso: string | null): string => (iso ? `${e(iso)} (${relativeTime(iso, now)})` : '—');
  const rows: Array<[string, string]> = [
    ['Status', d.online ? 'online' : 'offline'],
    ['Firmware', d.firmwareVersion ? e(d.firmwareVersion) : 'unknown'],
    ['Build id', d.buildId ? `\`${d.buildId.replace(/`/g, '')}\`` : '—'],
    ['Board', d.board ? e(d.board) : '—'],
    ['Signal', d.rssi === null ? '—' : `${signalOf(d.rssi).glyph} ${d.rssi} dBm (${signalOf(d.rssi).label})`],
    ['Uptime', d.uptime === null ? '—' : formatDuration(d.uptime)],
    ['Last seen', when(d.lastSeen)],
    ['Connected since', d.online ? when(d.connectedSince) : '—'],
    [
      'Tags',
      Object.keys(d.tags).length
        ? Object.entries(d.tags)
            .map(([k, v]) => e(`${k}=${v}`))
            .join(', ')
        : '—',
    ],
    ['Public key', `\`${d.publicKey.replace(/`/g, '')}\``],
  ];
  return [`**${e(d.name)}**`, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
