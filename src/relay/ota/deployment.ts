// A deployment as a pure value: waves, per-device progress, the health gate and pause/resume/abort.
import type { SignedManifest } from '../../protocol/manifest';
import {
  applyDeviceEvent,
  initialProgress,
  isFailure,
  isInstalling,
  isTerminal,
  type DeviceEvent,
  type DeviceProgress,
} from './deviceState';

/** running → (paused ⇄ running) → succeeded | failed; aborted from anything unfinished. */
export type DeploymentStatus = 'running' | 'paused' | 'aborted' | 'succeeded' | 'failed';

/** How the rollout behaves; fixed when the deployment is created. */
export interface DeploymentSettings {
  /** Regular expression (case-insensitive) a healthy trial boot prints on the UART. */
  ready: string;
  healthTimeoutMs: number;
  /** First-wave percentage, or null for a single wave. */
  rolloutPercent: number | null;
  /** The health gate: pause when failed + rolled back devices in a wave exceed this percentage of it. */
  maxFailurePercent: number;
}

/** Defaults for `outpost deploy` options the user did not give. */
export const defaultSettings: DeploymentSettings = {
  ready: '\\bready\\b',
  healthTimeoutMs: 60_000,
  rolloutPercent: null,
  maxFailurePercent: 0,
};

/** A deployment with everything needed to resume it after a relay restart. */
export interface Deployment {
  id: string;
  createdAt: string;
  createdBy: string;
  signed: SignedManifest;
  settings: DeploymentSettings;
  status: DeploymentStatus;
  /** One line: why it is paused, aborted or failed. */
  statusReason: string | null;
  /** Index of the wave being rolled out; earlier waves are finished. */
  currentWave: number;
  /** Waves up to this index were let through by an operator's resume; the gate does not trip on them again. */
  gateOverride: number;
  waves: string[][];
  devices: Record<string, DeviceProgress>;
  updatedAt: string;
}

/** A change the runner must act on besides persisting the new value. */
export interface Transition {
  deployment: Deployment;
  /** Devices whose transfers must be told to cancel (not yet installing). */
  cancel: string[];
}

/** A fresh deployment in its first wave. */
export function createDeployment(
  init: { id: string; createdBy: string; signed: SignedManifest; waves: string[][]; settings: DeploymentSettings },
  now: Date,
): Deployment {
  const devices: Record<string, DeviceProgress> = {};
  for (const name of init.waves.flat()) devices[name] = initialProgress(now);
  const d: Deployment = {
    ...init,
    createdAt: now.toISOString(),
    status: 'running',
    statusReason: null,
    currentWave: 0,
    gateOverride: -1,
    devices,
    updatedAt: now.toISOString(),
  };
  return settle(d, now);
}

/** True once nothing more will happen to the deployment. */
export function isFinished(d: Deployment): boolean {
  return (
    d.status === 'succeeded' || d.status === 'failed' || (d.status === 'aborted' && allTerminal(d, d.waves.flat()))
  );
}

function allTerminal(d: Deployment, names: readonly string[]): boolean {
  return names.every((n) => isTerminal(d.devices[n].state));
}

function failuresIn(d: Deployment, names: readonly string[]): number {
  return names.filter((n) => isFailure(d.devices[n].state)).length;
}

// Health gate, wave advance and completion, applied after every change.
function settle(d: Deployment, now: Date): Deployment {
  let out = d;
  for (;;) {
    if (out.status === 'aborted' || out.status === 'succeeded' || out.status === 'failed') return out;
    const wave = out.waves[out.currentWave];
    const failures = failuresIn(out, wave);
    if (
      out.status === 'running' &&
      out.currentWave > out.gateOverride &&
      (failures * 100) / wave.length > out.settings.maxFailurePercent
    ) {
      const reason = `health gate: ${failures} of ${wave.length} devices in wave ${out.currentWave + 1} failed (limit ${out.settings.maxFailurePercent}%)`;
      out = { ...out, status: 'paused', statusReason: reason, updatedAt: now.toISOString() };
    }
    if (allTerminal(out, out.waves.flat())) {
      const failed = failuresIn(out, out.waves.flat());
      const status = failed === 0 ? 'succeeded' : 'failed';
      const reason = failed === 0 ? null : `${failed} of ${out.waves.flat().length} devices failed or rolled back`;
      return { ...out, status, statusReason: reason, updatedAt: now.toISOString() };
    }
    if (out.status !== 'running' || !allTerminal(out, wave) || out.currentWave + 1 >= out.waves.length) return out;
    out = { ...out, currentWave: out.currentWave + 1, updatedAt: now.toISOString() };
  }
}

/**
 * Applies one device event. A device's own `failed CANCELED` report counts as canceled. Returns the same object
 * when the event does not apply (unknown device, terminal state, backwards move).
 */
export function applyEvent(d: Deployment, device: string, ev: DeviceEvent, now: Date): Deployment {
  const current = d.devices[device];
  if (!current) return d;
  const event: DeviceEvent =
    ev.type === 'status' && ev.state === 'failed' && ev.code === 'CANCELED'
      ? { type: 'canceled', reason: ev.reason ?? 'canceled' }
      : ev;
  const next = applyDeviceEvent(current, event, now);
  if (!next) return d;
  return settle({ ...d, devices: { ...d.devices, [device]: next }, updatedAt: now.toISOString() }, now);
}

/** Devices to start now: pending devices of the waves reached so far, while the deployment runs. */
export function dueDevices(d: Deployment): string[] {
  if (d.status !== 'running') return [];
  return d.waves
    .slice(0, d.currentWave + 1)
    .flat()
    .filter((n) => d.devices[n].state === 'pending');
}

/** Devices started but not finished: their transfers resume when they reconnect, even while paused. */
export function inFlightDevices(d: Deployment): string[] {
  if (d.status === 'succeeded' || d.status === 'failed') return [];
  return Object.entries(d.devices)
    .filter(([, p]) => p.state !== 'pending' && !isTerminal(p.state))
    .map(([n]) => n);
}

/** Stops dispatching new devices; transfers under way continue. Undefined when already finished. */
export function pauseDeployment(d: Deployment, reason: string, now: Date): Deployment | undefined {
  if (d.status !== 'running' && d.status !== 'paused') return undefined;
  return { ...d, status: 'paused', statusReason: reason, updatedAt: now.toISOString() };
}

/** Continues a paused deployment, letting the current wave through the health gate. */
export function resumeDeployment(d: Deployment, now: Date): Deployment | undefined {
  if (d.status !== 'paused' && d.status !== 'running') return undefined;
  const resumed = { ...d, status: 'running' as const, statusReason: null, gateOverride: d.currentWave };
  return settle({ ...resumed, updatedAt: now.toISOString() }, now);
}

/**
 * Aborts: devices not started are canceled now; devices downloading or deferred are returned for the runner
 * to cancel; devices already installing finish (interrupting a flash write is worse than finishing it).
 */
export function abortDeployment(d: Deployment, reason: string, now: Date): Transition | undefined {
  if (d.status !== 'running' && d.status !== 'paused') return undefined;
  const devices = { ...d.devices };
  const cancel: string[] = [];
  for (const [name, p] of Object.entries(devices)) {
    if (p.state === 'pending')
      devices[name] = { ...p, state: 'canceled', code: 'CANCELED', reason, updatedAt: now.toISOString() };
    else if (!isTerminal(p.state) && !isInstalling(p.state)) cancel.push(name);
  }
  const deployment = { ...d, devices, status: 'aborted' as const, statusReason: reason, updatedAt: now.toISOString() };
  return { deployment, cancel };
}

/** Counts per outcome, for listings and progress lines. */
export interface DeploymentSummary {
  total: number;
  pending: number;
  inProgress: number;
  confirmed: number;
  failed: number;
  canceled: number;
}

/** Summarises device outcomes. */
export function summarize(d: Deployment): DeploymentSummary {
  const s: DeploymentSummary = { total: 0, pending: 0, inProgress: 0, confirmed: 0, failed: 0, canceled: 0 };
  for (const p of Object.values(d.devices)) {
    s.total++;
    if (p.state === 'pending') s.pending++;
    else if (p.state === 'confirmed') s.confirmed++;
    else if (isFailure(p.state)) s.failed++;
    else if (p.state === 'canceled') s.canceled++;
    else s.inProgress++;
  }
  return s;
}
