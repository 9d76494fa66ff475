// Deployment JSON from the relay, read leniently: rollouts, their waves and each device's OTA phase.

import { DEPLOY_DEVICE_STATES, type DeviceDeployState } from '../protocol/deployState';

/** A device's phase in an update, in order, then the ways it can end other than confirmed. */
export const DEVICE_STATES = DEPLOY_DEVICE_STATES;
export type DeviceUpdateState = DeviceDeployState;

/** A rollout as a whole (the relay's DeploymentStatus). */
export type RolloutState = 'running' | 'paused' | 'succeeded' | 'aborted' | 'failed';
const ROLLOUT_STATES: readonly string[] = ['running', 'paused', 'succeeded', 'aborted', 'failed'];

export interface DeviceUpdate {
  readonly device: string;
  readonly state: DeviceUpdateState;
  /** Bytes the device holds while downloading, and the image size. */
  readonly bytes?: number;
  readonly total?: number;
  /** Why it failed, rolled back, was deferred or canceled (one line from the device or the relay). */
  readonly reason?: string;
}

export interface Wave {
  readonly index: number;
  /** Share of the targets in this wave, when known. */
  readonly percent?: number;
  readonly devices: DeviceUpdate[];
}

export interface Deployment {
  readonly id: string;
  readonly state: RolloutState;
  /** Why it is paused, aborted or failed. */
  readonly reason?: string;
  /** What is being deployed: version, else build id, else short sha256. */
  readonly artifact: string;
  readonly createdAt?: string;
  readonly createdBy?: string;
  readonly waves: Wave[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

function parseDevice(v: unknown, name: string | undefined, total: number | undefined): DeviceUpdate | undefined {
  const o = rec(v);
  const device = name ?? str(o.device) ?? str(o.name);
  const state = str(o.state);
  if (!device || !state || !(DEVICE_STATES as readonly string[]).includes(state)) return undefined;
  return {
    device,
    state: state as DeviceUpdateState,
    bytes: num(o.bytes),
    total: num(o.total) ?? total,
    reason: str(o.reason),
  };
}

// Waves as the relay keeps them (`waves: string[][]` + `devices: {name: progress}`), or inline device lists.
function parseWaves(o: Record<string, unknown>, total: number | undefined): Wave[] {
  const progress = rec(o.devices);
  const rawWaves: unknown[] = Array.isArray(o.waves) ? o.waves : Array.isArray(o.devices) ? [o.devices] : [];
  const count = rawWaves.reduce<number>((n, w) => n + (Array.isArray(w) ? w.length : 0), 0);
  return rawWaves.map((w, i) => {
    const wo = rec(w);
    const list: unknown[] = Array.isArray(w) ? w : Array.isArray(wo.devices) ? wo.devices : [];
    const devices = list
      .map((item) =>
        typeof item === 'string' ? parseDevice(progress[item], item, total) : parseDevice(item, undefined, total),
      )
      .filter((d) => d !== undefined);
    const percent =
      num(wo.percent) ?? (Array.isArray(w) && count > 0 ? Math.round((w.length / count) * 100) : undefined);
    return { index: i, percent, devices };
  });
}

/**
 * Reads a deployment from relay JSON (the relay's Deployment: status, statusReason, signed.manifest, waves of
 * names and per-device progress); undefined when it lacks an id. Unknown device states are left out rather
 * than shown wrong.
 */
export function parseDeployment(json: unknown): Deployment | undefined {
  const o = rec(json);
  const id = str(o.id);
  if (!id) return undefined;
  const m = rec(rec(o.signed).manifest);
  const a = rec(o.artifact);
  const sha = str(m.imageSha256) ?? str(a.sha256) ?? str(o.sha256);
  const artifact =
    str(m.version) ?? str(a.version) ?? str(o.version) ?? str(m.buildId) ?? (sha ? sha.slice(0, 12) : 'unknown image');
  const state = str(o.status) ?? str(o.state) ?? 'running';
  return {
    id,
    state: (ROLLOUT_STATES.includes(state) ? state : 'running') as RolloutState,
    reason: str(o.statusReason),
    artifact,
    createdAt: str(o.createdAt),
    createdBy: str(o.createdBy),
    waves: parseWaves(o, num(m.imageSize) ?? num(a.size)),
  };
}
