// Per-device telemetry history for the dashboard: RSSI and uptime readings from device.updated events, bounded.
import type { DeviceInfo } from '../../protocol/control';

/** One reading as the relay reported it, at the time the event arrived. */
export interface TelemetrySample {
  /** When the event arrived (ms since the epoch). */
  readonly t: number;
  readonly rssi: number | null;
  /** Seconds since the device booted. */
  readonly uptime: number | null;
  /** True when the uptime went down since the previous reading: the device restarted in between. */
  readonly reboot: boolean;
}

/** How much history is kept per device: the last `maxSamples` readings within `windowMs`, whichever is fewer. */
export interface HistoryLimits {
  readonly maxSamples: number;
  readonly windowMs: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxSamples: 120, windowMs: 24 * 3600_000 };

/** The fields of a DeviceInfo the history reads. */
export type TelemetrySource = Pick<DeviceInfo, 'name' | 'online' | 'rssi' | 'uptime'>;

/**
 * Readings per device name. The relay repeats a device's last readings in presence events (online, offline), so
 * only readings from an online device that differ from the previous one become samples; stale repeats would draw
 * a flat line that was never measured.
 */
export class TelemetryHistory {
  private readonly byDevice = new Map<string, TelemetrySample[]>();

  constructor(private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {}

  /** Records what a device event says at time `now`; returns the sample when one was added. */
  record(device: TelemetrySource, now: number): TelemetrySample | undefined {
    if (!device.online || (device.rssi === null && device.uptime === null)) return undefined;
    const list = this.byDevice.get(device.name) ?? [];
    const prev = list[list.length - 1];
    if (prev && prev.rssi === device.rssi && prev.uptime === device.uptime) return undefined;
    // Against the last uptime reported, even across readings that carried only a signal.
    const lastUptime = [...list].reverse().find((s) => s.uptime !== null)?.uptime ?? null;
    const reboot = lastUptime !== null && device.uptime !== null && device.uptime < lastUptime;
    const sample: TelemetrySample = { t: now, rssi: device.rssi, uptime: device.uptime, reboot };
    list.push(sample);
    this.byDevice.set(device.name, this.trim(list, now));
    return sample;
  }

  /** The device's samples within the window at `now`, oldest first. */
  samples(name: string, now: number): readonly TelemetrySample[] {
    const list = this.byDevice.get(name);
    return list ? this.trim(list, now) : [];
  }

  /** Drops devices whose every sample is older than the window, so a fleet that changes does not grow memory. */
  prune(now: number): void {
    for (const [name, list] of this.byDevice) {
      const kept = this.trim(list, now);
      if (kept.length === 0) this.byDevice.delete(name);
      else if (kept !== list) this.byDevice.set(name, kept);
    }
  }

  /** Names with history. */
  devices(): string[] {
    return [...this.byDevice.keys()];
  }

  private trim(list: TelemetrySample[], now: number): TelemetrySample[] {
    const since = now - this.limits.windowMs;
    let start = Math.max(0, list.length - this.limits.maxSamples);
    while (start < list.length && list[start].t < since) start++;
    return start === 0 ? list : list.slice(start);
  }
}
