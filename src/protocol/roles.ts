// Who may do what: the role table for channel kinds and control methods, shared by the relay (enforces) and clients (explain).
import type { ChannelKind } from './channels';
import type { MethodName, Role } from './control';

const channelRoles: Readonly<Record<ChannelKind, readonly Role[]>> = {
  rsp: ['admin', 'debugger'],
  console: ['admin', 'debugger'],
  logs: ['admin', 'deployer', 'debugger', 'viewer'],
  ota: ['admin', 'deployer'],
};

const anyOperator: readonly Role[] = ['admin', 'deployer', 'debugger', 'viewer'];
const methodRoles: Readonly<Record<MethodName, readonly Role[]>> = {
  whoami: anyOperator,
  'devices.list': anyOperator,
  'devices.get': anyOperator,
  'fleet.subscribe': anyOperator,
  'devices.add': ['admin'],
  'devices.remove': ['admin'],
  'operators.add': ['admin'],
  'operators.list': ['admin'],
  'operators.remove': ['admin'],
  'enroll.create': ['admin'],
  'audit.list': ['admin'],
};

/** May an operator with `role` open a channel of `kind`? (viewer: logs; debugger: rsp, console, logs; deployer: ota, logs; admin: all) */
export function mayOpen(role: Role, kind: ChannelKind): boolean {
  return channelRoles[kind].includes(role);
}

/** May an operator with `role` call `method`? (Devices may call only `whoami` and `devices.rotateKey`: authz.ts.) */
export function mayCall(role: Role, method: MethodName): boolean {
  return methodRoles[method].includes(role);
}
