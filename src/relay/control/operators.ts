// `operators.add`, `operators.list`, `operators.remove`: people and CI jobs with roles; removal revokes a live connection.
import { CloseCode } from '../../protocol/closeCodes';
import type { OperatorInfo } from '../../protocol/control';
import { isName } from '../../protocol/json';
import { StoreConflictError } from '../store/store';
import type { OperatorRecord } from '../store/types';
import { ControlError, type ControlHandler } from './handler';
import { paramsOf } from './params';

const info = (o: OperatorRecord): OperatorInfo => ({ name: o.name, publicKey: o.publicKey, role: o.role });

export const operatorsAdd: ControlHandler = {
  method: 'operators.add',
  async handle(ctx, peer, params) {
    const p = paramsOf('operators.add', params);
    let record;
    try {
      record = await ctx.store.operators.add(p, ctx.now());
    } catch (err) {
      if (err instanceof StoreConflictError) throw new ControlError('NAME_TAKEN', err.message);
      throw err;
    }
    ctx.audit({
      actor: peer.name,
      action: `operators.add ${p.name} ${p.role}`,
      device: null,
      channelKind: null,
      result: 'ok',
    });
    return info(record);
  },
};

export const operatorsList: ControlHandler = {
  method: 'operators.list',
  async handle(ctx) {
    return (await ctx.store.operators.list()).map(info);
  },
};

/** Not in the v1 method table yet: admin only, and the last admin cannot be removed (nobody could add one back). */
export const operatorsRemove: ControlHandler = {
  method: 'operators.remove',
  roles: ['admin'],
  async handle(ctx, peer, params) {
    const name = params.name;
    if (!isName(name)) throw new ControlError('BAD_REQUEST', 'operators.remove: name: an operator name');
    const target = await ctx.store.operators.byName(name);
    if (!target) throw new ControlError('NOT_FOUND', `no operator named "${name}"`);
    if (target.role === 'admin' && (await ctx.store.operators.list()).filter((o) => o.role === 'admin').length === 1) {
      throw new ControlError('FORBIDDEN', `"${name}" is the last admin; add another admin first`);
    }
    await ctx.store.operators.remove(name);
    const live = ctx.hub.byPublicKey(target.publicKey);
    if (live) ctx.disconnect(live, CloseCode.REVOKED);
    ctx.audit({ actor: peer.name, action: `operators.remove ${name}`, device: null, channelKind: null, result: 'ok' });
    return { name };
  },
};
