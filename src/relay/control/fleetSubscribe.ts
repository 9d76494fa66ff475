// `fleet.subscribe`: the current fleet, then device.updated / device.removed events on this connection.
import { MAX_JSON_PAYLOAD } from '../../protocol/frame';
import { deviceInfo } from '../deviceInfo';
import type { ControlHandler } from './handler';

export const fleetSubscribe: ControlHandler = {
  method: 'fleet.subscribe',
  async handle(ctx, peer) {
    const devices = (await ctx.store.devices.list()).map((r) => deviceInfo(r, ctx.hub.device(r.name)));
    ctx.fleet.subscribe(peer);
    if (Buffer.byteLength(JSON.stringify(devices)) < MAX_JSON_PAYLOAD - 128) return { devices };
    // A fleet too big for one CONTROL frame arrives as one device.updated event per device right after the reply.
    setImmediate(() => devices.forEach((d) => ctx.fleet.updatedFor(peer, d)));
    return { devices: [] };
  },
};
