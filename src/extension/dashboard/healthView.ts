// Device health data for the dashboard: per device, its readings over time with the numbers a table shows.
import type { DeviceInfo } from '../../protocol/control';
import type { TelemetryHistory, TelemetrySample } from './telemetryHistory';

/** One device's health over the kept window. */
export interface DeviceHealthView {
  readonly name: string;
  readonly online: boolean;
  readonly firmwareVersion: string | null;
  /** The relay's current readings (also when no sample was kept yet). */
  readonly rssi: number | null;
  readonly uptime: number | null;
  readonly samples: readonly TelemetrySample[];
  /** Lowest and highest RSSI among the samples, undefined without RSSI samples. */
  readonly rssiRange?: readonly [number, number];
  readonly reboots: number;
}

export interface HealthView {
  readonly devices: DeviceHealthView[];
  /** Devices in the fleet not shown (beyond `maxDevices`). */
  readonly hiddenDevices: number;
  readonly total: number;
  readonly online: number;
  /** The time span every sparkline is drawn over: from the oldest sample shown to `now`. */
  readonly since: number;
  readonly now: number;
}

export const DEFAULT_MAX_HEALTH_DEVICES = 100;

/** Health of the fleet's devices (in the order given: the Fleet view's, by name) at `now`. */
export function healthView(
  devices: readonly DeviceInfo[],
  history: TelemetryHistory,
  now: number,
  maxDevices = DEFAULT_MAX_HEALTH_DEVICES,
): HealthView {
  const shown = devices.slice(0, maxDevices).map((d): DeviceHealthView => {
    const samples = history.samples(d.name, now);
    const rssis = samples.map((s) => s.rssi).filter((v) => v !== null);
    return {
      name: d.name,
      online: d.online,
      firmwareVersion: d.firmwareVersion,
      rssi: d.rssi,
      uptime: d.uptime,
      samples,
      rssiRange: rssis.length ? [Math.min(...rssis), Math.max(...rssis)] : undefined,
      reboots: samples.filter((s) => s.reboot).length,
    };
  });
  const oldest = Math.min(now, ...shown.flatMap((d) => (d.samples.length ? [d.samples[0].t] : [])));
  return {
    devices: shown,
    hiddenDevices: devices.length - shown.length,
    total: devices.length,
    online: devices.filter((d) => d.online).length,
    since: oldest,
    now,
  };
}
