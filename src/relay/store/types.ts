// Records the relay store holds, shared by the store interface, its SQLite implementation and the relay core.
import type { Role } from '../../protocol/control';

export type { Role };

/** Free-form labels on a device, e.g. `{site: "lab", hw: "rev-b"}`; used to target deployments. */
export type Tags = Record<string, string>;

/** What a device last reported about itself; every field is null until it has reported it. */
export interface Telemetry {
  firmwareVersion: string | null;
  buildId: string | null;
  board: string | null;
  /** Signal strength of the device's modem in dBm. */
  rssi: number | null;
  /** Seconds since the device booted. */
  uptime: number | null;
}

/** A device registered on the relay, with its last telemetry. */
export interface DeviceRecord extends Telemetry {
  name: string;
  /** base64url ed25519 public key (43 characters). */
  publicKey: string;
  tags: Tags;
  /** ISO time the device was last connected (updated on connect, telemetry and disconnect), null if never. */
  lastSeen: string | null;
  createdAt: string;
}

/** A person or CI job allowed to use the relay. */
export interface OperatorRecord {
  name: string;
  publicKey: string;
  role: Role;
  createdAt: string;
}

/** An enrollment token as stored: only the hash of the token itself is kept. */
export interface EnrollTokenRecord {
  /** hex sha256 of the token text. */
  tokenHash: string;
  usesLeft: number;
  expiresAt: string;
  tags: Tags;
  createdAt: string;
}

/** One line of the audit log: who did what to which device, and how it ended. */
export interface AuditEntry {
  time: string;
  actor: string;
  action: string;
  device: string | null;
  channelKind: string | null;
  result: string;
}
