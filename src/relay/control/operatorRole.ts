// `operators.setRole`: an admin changes an operator's role in place; live connections get the new role at once.
import { CloseCode } from '../../protocol/closeCodes';
import { ROLES, type OperatorInfo, type Role } from '../../protocol/control';
import { isName } from '../../protocol/json';
import { mayOpen } from '../../protocol/roles';
import type { Peer } from '../peer';
import { ControlError, type ControlHandler, type RelayContext } from './handler';

/** The params of `operators.setRole`, or BAD_REQUEST with the rule broken. */
export function parseSetRoleParams(params: Record<string, unknown>): { name: string; role: Role } {
  if (!isName(params.name)) throw new ControlError('BAD_REQUEST', 'operators.setRole: name: an operator name');
  if (!ROLES.includes(params.role as Role))
    throw new ControlError('BAD_REQUEST', `operators.setRole: role: one of ${ROLES.join(', ')}`);
  return { name: params.name, role: params.role as Role };
}

/**
 * Gives a live operator connection `role`: authorisation reads the role of the connection on every request and
 * OPEN, so the next one is judged by it; channels the role may not hold are closed now with REVOKED.
 */
function applyRole(ctx: RelayContext, peer: Peer, role: Role): void {
  // The peer's identity is the one place its role lives; authz reads it through peer.principal.
  if (peer.identity.kind === 'operator') peer.identity.role = role;
  ctx.closeChannels(
    peer,
    (kind) => !mayOpen(role, kind),
    CloseCode.REVOKED,
    `role changed to ${role}, which may not hold this channel`,
  );
}

/** Changes a role; FORBIDDEN when it would leave the relay without an admin (nobody could add one back). */
export const operatorsSetRole: ControlHandler = {
  method: 'operators.setRole',
  roles: ['admin'],
  async handle(ctx, peer, params) {
    const { name, role } = parseSetRoleParams(params);
    const target = await ctx.store.operators.byName(name);
    if (!target) throw new ControlError('NOT_FOUND', `no operator named "${name}"`);
    if (target.role === 'admin' && role !== 'admin') {
      const admins = (await ctx.store.operators.list()).filter((o) => o.role === 'admin').length;
      if (admins === 1)
        throw new ControlError('FORBIDDEN', `"${name}" is the last admin; make another operator admin first`);
    }
    const changed = await ctx.store.operators.setRole(name, role);
    if (!changed) throw new ControlError('NOT_FOUND', `no operator named "${name}"`);
    for (const live of ctx.hub.operatorConnections(changed.publicKey)) applyRole(ctx, live, role);
    ctx.audit({
      actor: peer.name,
      action: `operators.setRole ${name} ${target.role}->${role}`,
      device: null,
      channelKind: null,
      result: 'ok',
    });
    const info: OperatorInfo = { name: changed.name, publicKey: changed.publicKey, role: changed.role };
    return info;
  },
};
