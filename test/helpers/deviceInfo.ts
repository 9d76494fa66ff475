// A DeviceInfo as the relay sends it, for unit tests of what shows devices: plausible values, any field overridden.
import type { DeviceInfo } from '../../src/protocol/control';

/** An online device with firmware, signal and uptime; `over` replaces any field. */
export function deviceInfo(name: string, over: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    name,
    publicKey: 'kR3x8mVbQ2uY7nD5tP1zL6wH9jF4cA0eS2gB8vN3qXo',
    online: true,
    firmwareVersion: '1.4.2',
    buildId: '9f2c1e7a',
    board: 'mps2-an505',
    rssi: -71,
    uptime: 100,
    lastSeen: null,
    tags: {},
    connectedSince: null,
    ...over,
  };
}
