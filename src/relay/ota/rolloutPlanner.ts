// Rollout planning: which devices a deployment targets (names and tags) and in which waves they update.
import type { OtaErrorCode } from '../../protocol/otaErrors';

/** What `outpost deploy` was asked to target: a device is in if it is named or carries any of the tags. */
export interface TargetSelector {
  devices: string[];
  /** Each entry is one `--tag k=v`; a device matches an entry when it has every pair in it. */
  tags: Record<string, string>[];
}

/** The facts about a registered device the planner uses. */
export interface FleetDevice {
  name: string;
  tags: Record<string, string>;
  online: boolean;
}

/** A plan, or why there is none. */
export type PlanResult<T> = { ok: true; value: T } | { ok: false; code: OtaErrorCode; message: string };

function matchesTags(device: FleetDevice, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => device.tags[k] === v);
}

/** Resolves a selector against the fleet; an unknown device name or an empty result is an error. */
export function resolveTargets(fleet: readonly FleetDevice[], selector: TargetSelector): PlanResult<FleetDevice[]> {
  const byName = new Map(fleet.map((d) => [d.name, d]));
  const unknown = selector.devices.filter((name) => !byName.has(name));
  if (unknown.length > 0)
    return { ok: false, code: 'UNKNOWN_DEVICE', message: `no device named ${unknown.join(', ')}` };
  const chosen = fleet.filter(
    (d) => selector.devices.includes(d.name) || selector.tags.some((wanted) => matchesTags(d, wanted)),
  );
  if (chosen.length === 0) {
    const asked = [
      ...selector.devices,
      ...selector.tags.map((t) =>
        Object.entries(t)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ),
    ];
    return {
      ok: false,
      code: 'NO_TARGETS',
      message: `nothing matches ${asked.join(' ') || '(no --device or --tag given)'}`,
    };
  }
  return { ok: true, value: chosen };
}

/**
 * Splits targets into waves. Without a rollout percentage (or with 100) everything is one wave; with `p` the
 * first wave is ceil(p % of the targets), at least one device, and the second wave is the rest. Devices online
 * now go first, so the first wave reports back soon; ties are broken by name so a plan is reproducible.
 */
export function planWaves(targets: readonly FleetDevice[], rolloutPercent?: number): PlanResult<string[][]> {
  if (rolloutPercent !== undefined && (!Number.isInteger(rolloutPercent) || rolloutPercent < 1 || rolloutPercent > 100))
    return { ok: false, code: 'INVALID_ROLLOUT', message: `--rollout ${rolloutPercent}` };
  const ordered = [...targets]
    .sort((a, b) => Number(b.online) - Number(a.online) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => d.name);
  if (rolloutPercent === undefined || rolloutPercent === 100) return { ok: true, value: [ordered] };
  const first = Math.max(1, Math.ceil((ordered.length * rolloutPercent) / 100));
  if (first >= ordered.length) return { ok: true, value: [ordered] };
  return { ok: true, value: [ordered.slice(0, first), ordered.slice(first)] };
}
