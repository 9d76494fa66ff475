// Authorisation decisions of the relay: who may call which control method and open which channel on which device.
import { CloseCode } from '../protocol/closeCodes';
import type { ChannelKind } from '../protocol/channels';
import { isMethodName, type Role } from '../protocol/control';
import { mayCall, mayOpen } from '../protocol/roles';

/** The authenticated side of a connection, as authorisation sees it. */
export type Principal = { kind: 'device'; name: string } | { kind: 'operator'; name: string; role: Role };

/** What a device key may call: who it is, and the rotation of its own key (signed by it, docs/protocol.md §4). */
const deviceMethods: readonly string[] = ['whoami', 'devices.rotateKey'];

/**
 * May `who` call `method`? Devices only `deviceMethods`; contract methods follow the protocol's role table; methods
 * other parts add name their roles in `extraRoles`. Unknown methods are refused.
 */
export function mayCallMethod(who: Principal, method: string, extraRoles?: readonly Role[]): boolean {
  if (who.kind === 'device') return deviceMethods.includes(method);
  if (isMethodName(method)) return mayCall(who.role, method);
  return extraRoles?.includes(who.role) ?? false;
}

/** Where the target device of an OPEN stands right now. */
export type DeviceState = 'online' | 'offline' | 'unknown';

/**
 * The code an OPEN is refused with, or undefined when it may be forwarded: FORBIDDEN (devices never open;
 * the role does not allow the kind), DEVICE_UNKNOWN, DEVICE_OFFLINE. The role is checked first, so a viewer
 * learns nothing about devices it could not open anyway.
 */
export function refuseOpen(who: Principal, kind: ChannelKind, device: DeviceState): CloseCode | undefined {
  if (who.kind !== 'operator' || !mayOpen(who.role, kind)) return CloseCode.FORBIDDEN;
  if (device === 'unknown') return CloseCode.DEVICE_UNKNOWN;
  if (device === 'offline') return CloseCode.DEVICE_OFFLINE;
  return undefined;
}
