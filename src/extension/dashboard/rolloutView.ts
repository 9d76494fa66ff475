// Rollout data for the dashboard: per deployment and wave, device counts by OTA state and each device's progress.
import { DEVICE_STATES, type Deployment, type DeviceUpdateState, type RolloutState } from '../deploymentJson';
import { TERMINAL_STATES } from '../../protocol/deployState';
import { describeUpdate } from '../deploymentsModel';

/** How many devices of a wave (or deployment) are in each state; every state is present, most are 0. */
export type StateCounts = Record<DeviceUpdateState, number>;

/** One device's update as the dashboard shows it. */
export interface DeviceProgressView {
  readonly device: string;
  readonly state: DeviceUpdateState;
  readonly bytes?: number;
  readonly total?: number;
  /** 0..1 while the image is being transferred and its size is known; 1 once the device holds it all. */
  readonly fraction?: number;
  readonly reason?: string;
  /** The same words as the Deployments view: "downloading 45% (460.8 KiB of 1.0 MiB)". */
  readonly text: string;
}

export interface WaveView {
  /** 1-based, as people count waves. */
  readonly number: number;
  readonly percent?: number;
  readonly counts: StateCounts;
  readonly size: number;
  /** The first devices of the wave (at most `maxDevicesPerWave`); `counts` covers all of them. */
  readonly devices: DeviceProgressView[];
  readonly hiddenDevices: number;
}

export interface RolloutView {
  readonly id: string;
  readonly artifact: string;
  readonly state: RolloutState;
  readonly reason?: string;
  readonly createdAt?: string;
  readonly createdBy?: string;
  readonly counts: StateCounts;
  readonly size: number;
  /** 1-based number of the first wave with unfinished devices, if any. */
  readonly currentWave?: number;
  readonly waves: WaveView[];
}

/** States after which a device's update no longer changes. */
export const FINISHED_STATES: readonly DeviceUpdateState[] = TERMINAL_STATES;
// States past the transfer: the device holds the whole image.
const TRANSFERRED: readonly DeviceUpdateState[] = ['verifying', 'installing', 'rebooting', 'confirming', 'confirmed'];

/** Limits that keep the page small for large rollouts. */
export interface RolloutLimits {
  readonly maxRollouts: number;
  readonly maxDevicesPerWave: number;
}
export const DEFAULT_ROLLOUT_LIMITS: RolloutLimits = { maxRollouts: 8, maxDevicesPerWave: 50 };

/** Counts devices by state. */
export function countStates(states: readonly DeviceUpdateState[]): StateCounts {
  const counts = Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as StateCounts;
  for (const s of states) counts[s]++;
  return counts;
}

function progressFraction(state: DeviceUpdateState, bytes?: number, total?: number): number | undefined {
  if (TRANSFERRED.includes(state)) return 1;
  if (state === 'downloading' && bytes !== undefined && total) return Math.min(1, bytes / total);
  return undefined;
}

/** One deployment as dashboard data. */
export function rolloutView(dep: Deployment, limits: RolloutLimits = DEFAULT_ROLLOUT_LIMITS): RolloutView {
  const waves = dep.waves.map((w, i): WaveView => {
    const shown = w.devices.slice(0, limits.maxDevicesPerWave);
    return {
      number: i + 1,
      percent: w.percent,
      counts: countStates(w.devices.map((d) => d.state)),
      size: w.devices.length,
      hiddenDevices: w.devices.length - shown.length,
      devices: shown.map((u) => ({
        device: u.device,
        state: u.state,
        bytes: u.bytes,
        total: u.total,
        fraction: progressFraction(u.state, u.bytes, u.total),
        reason: u.reason,
        text: describeUpdate(u),
      })),
    };
  });
  const all = dep.waves.flatMap((w) => w.devices);
  const current = dep.waves.findIndex((w) => w.devices.some((d) => !FINISHED_STATES.includes(d.state)));
  return {
    id: dep.id,
    artifact: dep.artifact,
    state: dep.state,
    reason: dep.reason,
    createdAt: dep.createdAt,
    createdBy: dep.createdBy,
    counts: countStates(all.map((d) => d.state)),
    size: all.length,
    currentWave: current === -1 ? undefined : current + 1,
    waves,
  };
}

/**
 * The rollouts worth showing: running and paused ones first, then the most recent finished ones, newest first
 * within each group, at most `maxRollouts` in all.
 */
export function rolloutViews(deployments: readonly Deployment[], limits = DEFAULT_ROLLOUT_LIMITS): RolloutView[] {
  const newest = [...deployments].sort(
    (a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id.localeCompare(a.id),
  );
  const active = newest.filter((d) => d.state === 'running' || d.state === 'paused');
  const finished = newest.filter((d) => d.state !== 'running' && d.state !== 'paused');
  return [...active, ...finished].slice(0, limits.maxRollouts).map((d) => rolloutView(d, limits));
}
