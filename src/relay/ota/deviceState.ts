// Per-device OTA state on the relay: the phases a device goes through and which reports may move it where.
import type { OtaErrorCode } from '../../protocol/otaErrors';
import { TERMINAL_STATES, type DeviceDeployState, type OtaDeviceState } from '../../protocol/deployState';

export { TERMINAL_STATES, type DeviceDeployState };

/** One device's progress, as persisted and shown by `outpost deployment show`. */
export interface DeviceProgress {
  state: DeviceDeployState;
  /** Image bytes the device holds (from its want/ack reports). */
  bytes: number;
  code: OtaErrorCode | null;
  /** One line: why it failed, rolled back, was deferred or canceled. */
  reason: string | null;
  /** Transfers started (1 + resumes after link drops). */
  attempts: number;
  updatedAt: string;
}

/** What happened to a device, from the runner (dispatch, cancel) or from the device's own reports. */
export type DeviceEvent =
  | { type: 'dispatched' }
  | { type: 'bytes'; offset: number }
  | { type: 'status'; state: OtaDeviceState; code?: OtaErrorCode; reason?: string }
  | { type: 'canceled'; reason: string };

// Progress order; deferred sits with verifying because a device defers between download and install.
const rank: Record<DeviceDeployState, number> = {
  pending: 0,
  downloading: 1,
  verifying: 2,
  deferred: 2,
  installing: 3,
  rebooting: 4,
  confirming: 5,
  confirmed: 6,
  failed: 6,
  rolled_back: 6,
  canceled: 6,
};

/** True when the device is done with this deployment. */
export function isTerminal(state: DeviceDeployState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** True when a device counts against the rollout's health gate. */
export function isFailure(state: DeviceDeployState): boolean {
  return state === 'failed' || state === 'rolled_back';
}

/** True once the device may be writing its target: a cancel can no longer stop it safely. */
export function isInstalling(state: DeviceDeployState): boolean {
  return rank[state] >= rank.installing && !isTerminal(state);
}

/** A device that has not been dispatched yet. */
export function initialProgress(now: Date): DeviceProgress {
  return { state: 'pending', bytes: 0, code: null, reason: null, attempts: 0, updatedAt: now.toISOString() };
}

/**
 * Applies one event. States only move forward (a device that reconnects may skip phases it went through
 * offline), except that deferred and verifying may alternate and byte counts may restart lower when a device
 * lost its partial download. Terminal states never change. Returns undefined for an event that does not apply,
 * which the caller logs and ignores.
 */
export function applyDeviceEvent(p: DeviceProgress, ev: DeviceEvent, now: Date): DeviceProgress | undefined {
  if (isTerminal(p.state)) return undefined;
  const at = now.toISOString();
  switch (ev.type) {
    case 'dispatched':
      return { ...p, attempts: p.attempts + 1, updatedAt: at };
    case 'bytes':
      if (rank[p.state] > rank.downloading) return undefined;
      return { ...p, state: 'downloading', bytes: ev.offset, reason: null, updatedAt: at };
    case 'canceled':
      if (isInstalling(p.state)) return undefined;
      return { ...p, state: 'canceled', code: 'CANCELED', reason: ev.reason, updatedAt: at };
    case 'status': {
      if (rank[ev.state] < rank[p.state]) return undefined;
      const failure = ev.state === 'failed' || ev.state === 'rolled_back' || ev.state === 'deferred';
      return {
        ...p,
        state: ev.state,
        code: failure ? (ev.code ?? null) : null,
        reason: failure ? (ev.reason ?? null) : null,
        updatedAt: at,
      };
    }
  }
}
