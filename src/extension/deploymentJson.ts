// Deployment JSON from the relay, read leniently: rollouts, their waves and each device's OTA phase.

/** A device's phase in an update, in order, then the two ways it can end badly. */
export const DEVICE_STATES = [
  'pending',
  'downloading',
  'verifying',
  'deferred',
  'installing',
  'rebooting',
  'confirming',
  'confirmed',
  'failed',
  'rolled_back',
] as const;
export type DeviceUpdateState = (typeof DEVICE_STATES)[number];

/** A rollout as a whole. */
export type RolloutState = 'running' | 'paused' | 'completed' | 'aborted' | 'failed';

export interface DeviceUpdate {
  readonly device: string;
  readonly state: DeviceUpdateState;
  /** Bytes the device holds while downloading, and the image size. */
  readonly bytes?: number;
  readonly total?: number;
  /** Why it failed or rolled back (one line from the device). */
  readonly reason?: string;
}

export interface Wave {
  readonly index: number;
  /** Share of the targets in this wave, when the rollout is staged by percentage. */
  readonly percent?: number;
  readonly devices: DeviceUpdate[];
}

export interface Deployment {
  readonly id: string;
  readonly state: RolloutState;
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
const ROLLOUT_STATES: readonly string[] = ['running', 'paused', 'completed', 'aborted', 'failed'];

function parseDevice(v: unknown): DeviceUpdate | undefined {
  const o = rec(v);
  const device = str(o.device) ?? str(o.name);
  const state = str(o.state);
  if (!device || !state || !(DEVICE_STATES as readonly string[]).includes(state)) return undefined;
  return { device, state: state as DeviceUpdateState, bytes: num(o.bytes), total: num(o.total), reason: str(o.reason) };
}

/**
 * Reads a deployment from relay JSON; undefined when it lacks an id. Unknown device states are dropped rather
 * than shown wrong; a deployment without waves but with `devices` is one wave.
 */
export function parseDeployment(json: unknown): Deployment | undefined {
  const o = rec(json);
  const id = str(o.id);
  if (!id) return undefined;
  const a = rec(o.artifact);
  const sha = str(a.sha256) ?? str(o.sha256);
  const artifact = str(a.version) ?? str(o.version) ?? str(a.buildId) ?? (sha ? sha.slice(0, 12) : 'unknown image');
  const rawWaves = Array.isArray(o.waves) ? o.waves : Array.isArray(o.devices) ? [{ devices: o.devices }] : [];
  const waves = rawWaves.map((w, i) => {
    const wo = rec(w);
    const devices = (Array.isArray(wo.devices) ? wo.devices : []).map(parseDevice).filter((d) => d !== undefined);
    return { index: num(wo.index) ?? i, percent: num(wo.percent), devices };
  });
  const state = str(o.state) ?? 'running';
  return {
    id,
    state: (ROLLOUT_STATES.includes(state) ? state : 'running') as RolloutState,
    artifact,
    createdAt: str(o.createdAt),
    createdBy: str(o.createdBy),
    waves,
  };
}
