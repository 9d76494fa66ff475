// `outpost devices [--json]`: the fleet with presence and telemetry.
import type { DeviceInfo } from '../../protocol/control';
import { defineCommand } from '../command';
import { listDevices } from '../../link/deviceList';
import { relayOptions, withOperator } from '../session';
import { ago, renderTable } from '../table';

/** The human-readable fleet table. */
export function devicesTable(devices: DeviceInfo[], now = new Date()): string {
  if (devices.length === 0) return 'no devices yet: add one with outpost device add, or enroll one with a token\n';
  return renderTable(
    ['NAME', 'STATUS', 'FIRMWARE', 'BUILD', 'RSSI', 'UPTIME', 'LAST SEEN', 'TAGS'],
    devices.map((d) => [
      d.name,
      d.online ? 'online' : 'offline',
      d.firmwareVersion,
      d.buildId?.slice(0, 12),
      d.rssi === null ? null : `${d.rssi} dBm`,
      d.uptime === null ? null : formatUptime(d.uptime),
      d.online ? 'now' : ago(d.lastSeen, now),
      Object.entries(d.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    ]),
  );
}

function formatUptime(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

export default defineCommand({
  name: 'devices',
  summary: 'list devices: online/offline, firmware, build id, signal, last seen, tags',
  options: { json: { type: 'boolean', description: 'print a JSON array' }, ...relayOptions },
  async run({ options }, io) {
    const devices = await withOperator(options, io, listDevices);
    io.stdout.write(options.json ? JSON.stringify(devices, null, 2) + '\n' : devicesTable(devices));
  },
});
