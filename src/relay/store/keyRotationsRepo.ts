// Device key rotations as the relay core sees them: the key swap and the signed records kept with the device.
import type { KeyRotation } from '../../common/keyRotation';
import type { DeviceRecord } from './types';

/** How many of a device's latest rotations devices.get lists (a chain an operator can follow from an old pin). */
export const KEY_ROTATIONS_LISTED = 8;

/** Rotation persistence; records go when their device is removed. */
export interface KeyRotationsRepo {
  /**
   * Swaps the device's key from `rotation.oldKey` to `rotation.newKey` and keeps the record, all at once; resolves
   * undefined (nothing changed) when the device is gone or no longer has the old key. Throws StoreConflictError
   * when the new key belongs to another device or an operator.
   */
  rotate(rotation: KeyRotation): Promise<DeviceRecord | undefined>;
  /** The device's latest `limit` rotations, oldest first. */
  list(device: string, limit: number): Promise<KeyRotation[]>;
}
