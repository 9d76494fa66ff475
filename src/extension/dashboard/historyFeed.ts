// Keeps the dashboard's telemetry history current from the fleet model, from activation on, panel open or not.
import type { DeviceInfo } from '../../protocol/control';
import type { TelemetryHistory } from './telemetryHistory';

/** Anything that holds the current devices and says when they change (the extension's FleetModel). */
export interface DeviceSource {
  all(): readonly DeviceInfo[];
  onDidChange(listener: () => void): { dispose(): void };
}

/**
 * Feeds a TelemetryHistory from a fleet model: after each change, every device whose record was replaced (a
 * device.updated event or a fresh fleet.subscribe snapshot) is recorded once. Runs from activation, so the
 * history covers the time before the dashboard is opened.
 */
export function feedHistory(
  fleet: DeviceSource,
  history: TelemetryHistory,
  clock: () => number = Date.now,
): { dispose(): void } {
  let seen = new Map<string, DeviceInfo>();
  const update = (): void => {
    const now = clock();
    const next = new Map<string, DeviceInfo>();
    for (const d of fleet.all()) {
      next.set(d.name, d);
      if (seen.get(d.name) !== d) history.record(d, now);
    }
    seen = next;
    history.prune(now);
  };
  update();
  return fleet.onDidChange(update);
}
