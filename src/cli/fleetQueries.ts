// Fleet reads shared by commands: the whole device list, paged when it does not fit one control frame.
import type { DeviceInfo } from '../protocol/control';
import { RelayError } from '../link/errors';
import type { OperatorClient } from '../link/operatorClient';

/** Devices per page when the fleet is too big for one reply (a DeviceInfo is a few hundred bytes). */
const pageSize = 40;

/** Every device, in one request when the fleet fits a frame, else page by page until an empty page. */
export async function listDevices(client: OperatorClient): Promise<DeviceInfo[]> {
  try {
    return await client.request('devices.list');
  } catch (err) {
    if (!(err instanceof RelayError) || err.code !== 'FRAME_TOO_LARGE') throw err;
  }
  const all: DeviceInfo[] = [];
  const method: string = 'devices.list';
  for (;;) {
    const page = await client.request<DeviceInfo[]>(method, { offset: all.length, limit: pageSize });
    if (page.length === 0) return all;
    all.push(...page);
  }
}
