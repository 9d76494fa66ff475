// DeviceInfo as operators see it: the stored record plus live presence.
import type { DeviceInfo } from '../protocol/control';
import type { Peer } from './peer';
import type { DeviceRecord } from './store/types';

/** Combines a device's record with its live connection (if any); an online device was last seen when last heard. */
export function deviceInfo(record: DeviceRecord, live: Peer | undefined): DeviceInfo {
  return {
    name: record.name,
    publicKey: record.publicKey,
    online: live !== undefined,
    firmwareVersion: record.firmwareVersion,
    buildId: record.buildId,
    board: record.board,
    rssi: record.rssi,
    uptime: record.uptime,
    lastSeen: live ? new Date(live.lastHeard).toISOString() : record.lastSeen,
    tags: record.tags,
    connectedSince: live ? live.connectedAt.toISOString() : null,
  };
}
