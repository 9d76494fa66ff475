// Decides what telemetry a device sends: everything on connect, then only what changed enough to matter, rarely.
import type { Telemetry } from '../protocol/control';
import type { FirmwareInfo } from './target';

/** What the agent observes at one moment. */
export interface Observation {
  firmware: FirmwareInfo;
  rssi?: number;
  /** Seconds since the firmware booted (the agent's own uptime where the target cannot tell). */
  uptimeSec: number;
}

/** A boot time that moved by more than this (ms) is a reboot, not the jitter of reading two clocks. */
const REBOOT_SLACK_MS = 1000;

/** Tuning of the change filter; the defaults keep an idle device well under 2 KB/hour. */
export interface TelemetryPolicy {
  /** An RSSI move smaller than this (dB) is noise, not news. */
  rssiStepDb: number;
  /** RSSI-only updates are sent at most this often. Firmware changes go out at once. */
  rssiMinIntervalMs: number;
}

export const defaultTelemetryPolicy: TelemetryPolicy = { rssiStepDb: 6, rssiMinIntervalMs: 15 * 60_000 };

/**
 * Tracks what the relay was last told. The relay merges partial updates into what it has, and derives the
 * current uptime from the last report, so a growing uptime never triggers a message; a reboot (the boot time the
 * uptime implies moved on) does, at once, so the fleet sees it.
 */
export class TelemetryTracker {
  private sent?: Observation;
  private sentBootMs = 0;
  private lastRssiSentAt = 0;

  constructor(private readonly policy: TelemetryPolicy = defaultTelemetryPolicy) {}

  /** The full report for a new connection. */
  full(now: Observation, nowMs: number): Telemetry {
    this.sent = structuredClone(now);
    this.sentBootMs = nowMs - now.uptimeSec * 1000;
    this.lastRssiSentAt = nowMs;
    const { version, buildId, board } = now.firmware;
    return {
      uptime: Math.floor(now.uptimeSec),
      ...(version !== undefined && { firmwareVersion: version }),
      ...(buildId !== undefined && { buildId }),
      ...(board !== undefined && { board }),
      ...(now.rssi !== undefined && { rssi: Math.round(now.rssi) }),
    };
  }

  /** The partial report to send now, or undefined when nothing changed enough. */
  changes(now: Observation, nowMs: number): Telemetry | undefined {
    if (!this.sent) return this.full(now, nowMs);
    const out: Telemetry = { uptime: Math.floor(now.uptimeSec) };
    const bootMs = nowMs - now.uptimeSec * 1000;
    let changed = bootMs - this.sentBootMs > REBOOT_SLACK_MS;
    for (const key of ['version', 'buildId', 'board'] as const) {
      if (now.firmware[key] !== this.sent.firmware[key] && now.firmware[key] !== undefined) {
        out[key === 'version' ? 'firmwareVersion' : key] = now.firmware[key];
        changed = true;
      }
    }
    const rssiMoved =
      now.rssi !== undefined &&
      (this.sent.rssi === undefined || Math.abs(now.rssi - this.sent.rssi) >= this.policy.rssiStepDb);
    if (rssiMoved && (changed || nowMs - this.lastRssiSentAt >= this.policy.rssiMinIntervalMs)) {
      out.rssi = Math.round(now.rssi as number);
      this.lastRssiSentAt = nowMs;
      changed = true;
    }
    if (!changed) return undefined;
    this.sent = { ...structuredClone(now), rssi: out.rssi ?? this.sent.rssi };
    this.sentBootMs = bootMs;
    return out;
  }
}
