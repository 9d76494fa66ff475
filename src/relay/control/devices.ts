// `devices.list`, `devices.get`, `devices.add`, `devices.remove`: the fleet registry with presence; removal revokes.
import { CloseCode } from '../../protocol/closeCodes';
import { MAX_JSON_PAYLOAD } from '../../protocol/frame';
import { deviceInfo } from '../deviceInfo';
import { KEY_ROTATIONS_LISTED } from '../store/keyRotationsRepo';
import { StoreConflictError } from '../store/store';
import { ControlError, type ControlHandler } from './handler';
import { paramsOf } from './params';

/** Room left in a CONTROL frame for the response envelope around the result. */
const resultBudget = MAX_JSON_PAYLOAD - 64;

/**
 * Without params: every device, if they fit in one CONTROL frame (else FRAME_TOO_LARGE: page instead).
 * With `{offset, limit}`: that page, cut short if it would not fit; clients page until an empty array.
 */
export const devicesList: ControlHandler = {
  method: 'devices.list',
  async handle(ctx, _peer, params) {
    const { offset, limit } = paramsOf('devices.list', params);
    const all = (await ctx.store.devices.list()).map((r) => deviceInfo(r, ctx.hub.device(r.name)));
    if (offset === undefined && limit === undefined) {
      if (Buffer.byteLength(JSON.stringify(all)) > resultBudget) {
        throw new ControlError(
          'FRAME_TOO_LARGE',
          `${all.length} devices do not fit one reply: page with {offset, limit} until an empty page`,
        );
      }
      return all;
    }
    const page = all.slice(offset ?? 0, (offset ?? 0) + (limit ?? all.length));
    let size = 2;
    const fitting = [];
    for (const d of page) {
      size += Buffer.byteLength(JSON.stringify(d)) + 1;
      if (size > resultBudget) break;
      fitting.push(d);
    }
    return fitting;
  },
};

/**
 * One device by name (what a client needs before an E2E open, whatever the fleet's size); NOT_FOUND if unknown.
 * With `keyRotations`: its latest signed key rotations, oldest first, so an operator can follow its pin.
 */
export const devicesGet: ControlHandler = {
  method: 'devices.get',
  async handle(ctx, _peer, params) {
    const { name } = paramsOf('devices.get', params);
    const record = await ctx.store.devices.byName(name);
    if (!record) throw new ControlError('NOT_FOUND', `no device named "${name}"`);
    const keyRotations = await ctx.store.keyRotations.list(name, KEY_ROTATIONS_LISTED);
    return { ...deviceInfo(record, ctx.hub.device(name)), keyRotations };
  },
};

export const devicesAdd: ControlHandler = {
  method: 'devices.add',
  async handle(ctx, peer, params) {
    const p = paramsOf('devices.add', params);
    let record;
    try {
      record = await ctx.store.devices.add(p, ctx.now());
    } catch (err) {
      if (err instanceof StoreConflictError) throw new ControlError('NAME_TAKEN', err.message);
      throw err;
    }
    ctx.audit({ actor: peer.name, action: 'devices.add', device: p.name, channelKind: null, result: 'ok' });
    const info = deviceInfo(record, undefined);
    ctx.fleet.updated(info);
    return info;
  },
};

export const devicesRemove: ControlHandler = {
  method: 'devices.remove',
  async handle(ctx, peer, params) {
    const { name } = paramsOf('devices.remove', params);
    if (!(await ctx.store.devices.remove(name))) throw new ControlError('NOT_FOUND', `no device named "${name}"`);
    const live = ctx.hub.device(name);
    if (live) ctx.disconnect(live, CloseCode.REVOKED);
    ctx.audit({ actor: peer.name, action: 'devices.remove', device: name, channelKind: null, result: 'ok' });
    ctx.fleet.removed(name);
    return { name };
  },
};
