// `operators.add`, `operators.list`, `operators.remove`: people and CI jobs with roles; removal revokes a live connection.
import { CloseCode } from '../../protocol/closeCodes';
import type { OperatorInfo } from '../../protocol/control';
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

/** Revokes every live connection of the operator; the last admin cannot be removed (nobody could add one back). */
export const operatorsRemove: ControlHandler = {
  method: 'operators.remove',
  async handle(ctx, peer, params) {
    const { name } = paramsOf('operators.remove', params);
    const target = await ctx.store.operators.byName(name);
    if (!target) throw new ControlError('NOT_FOUND', `no operator named "${name}"`);
    if (target.role === 'admin' && (await ctx.store.operators.list()).filter((o) => o.role === 'admin').length === 1) {
      throw new ControlError('FORBIDDEN', `"${name}" is the last admin; add another admin first`);
    }
    await ctx.store.operators.remove(name);
    for (const live of ctx.hub.operatorConnections(target.publicKey)) ctx.disconnect(live, CloseCode.REVOKED);
    ctx.audit({ actor: peer.name, action: `operators.remove ${name}`, device: null, channelKind: null, result: 'ok' });
    return { name };
  },
};
