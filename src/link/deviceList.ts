// The whole device list from a relay: one request when the fleet fits one control frame, else page by page.
import type { DeviceInfo } from '../protocol/control';
import { RelayError } from './errors';

/** Devices per page when the fleet is too big for one reply (a DeviceInfo is a few hundred bytes). */
const PAGE_SIZE = 40;

/** Anything that sends control requests to the relay: an OperatorClient, the extension's link. */
export interface ControlRequester {
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** Every device, in one request when the fleet fits a frame, else paged until an empty page (docs/protocol.md §8). */
export async function listDevices(client: ControlRequester): Promise<DeviceInfo[]> {
  try {
    return (await client.request('devices.list')) as DeviceInfo[];
  } catch (err) {
    if (!(err instanceof RelayError) || err.code !== 'FRAME_TOO_LARGE') throw err;
  }
  const all: DeviceInfo[] = [];
  for (;;) {
    const page = (await client.request('devices.list', { offset: all.length, limit: PAGE_SIZE })) as DeviceInfo[];
    if (page.length === 0) return all;
    all.push(...page);
  }
}
