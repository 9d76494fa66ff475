// The device registry as the relay core sees it: identities, tags and last telemetry.
import type { DeviceRecord, Tags, Telemetry } from './types';

/** A new device as an admin (or an enrollment) registers it. */
export interface NewDevice {
  name: string;
  publicKey: string;
  tags: Tags;
}

/** Device persistence; names are unique among devices, public keys across devices and operators. */
export interface DevicesRepo {
  /** Registers a device; throws StoreConflictError when the name or key is taken (by a device or an operator). */
  add(device: NewDevice, now: Date): Promise<DeviceRecord>;
  /** Removes a device; resolves false when there was none with that name. */
  remove(name: string): Promise<boolean>;
  byName(name: string): Promise<DeviceRecord | undefined>;
  byPublicKey(publicKey: string): Promise<DeviceRecord | undefined>;
  /** All devices, ordered by name. */
  list(): Promise<DeviceRecord[]>;
  /** Merges reported telemetry (absent fields keep their value) and sets lastSeen; false when unknown. */
  updateTelemetry(name: string, telemetry: Partial<Telemetry>, now: Date): Promise<boolean>;
  /** Sets lastSeen only (connect and disconnect). */
  touch(name: string, now: Date): Promise<void>;
}
