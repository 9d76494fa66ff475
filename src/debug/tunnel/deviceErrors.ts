// What the debugger says when the relay will not give it a debug channel to a device: one line each, in user terms.
import { RelayError } from '../../link/errors';
import { closeMessage, CloseCode } from '../../protocol/closeCodes';
import { ROLES } from '../../protocol/control';
import { mayOpen } from '../../protocol/roles';
import { DebugError, ErrorCode } from '../errors';

/** The roles that may open rsp channels, for the refusal message ("admin or debugger"). */
const DEBUG_ROLES = ROLES.filter((role) => mayOpen(role, 'rsp')).join(' or ');

/**
 * The DebugError for a failure to open the rsp channel to `device` through `relay`: unknown and offline devices,
 * a role without debugging rights and a device that refuses (another session, no stub) each get their own line.
 */
export function deviceChannelError(err: unknown, device: string, relay: string): DebugError {
  if (err instanceof DebugError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof RelayError)) {
    return new DebugError(
      ErrorCode.StubUnreachable,
      `cannot open a debug channel to ${device} via ${relay}: ${message}`,
    );
  }
  switch (err.code) {
    case 'DEVICE_UNKNOWN':
      return new DebugError(
        ErrorCode.DeviceUnknown,
        `no device named "${device}" on ${relay}: check "device" in launch.json (outpost devices lists the fleet)`,
      );
    case 'DEVICE_OFFLINE':
      return new DebugError(
        ErrorCode.DeviceOffline,
        `device "${device}" is offline: its agent is not connected to ${relay}; start it, or wait until it is back`,
      );
    case 'FORBIDDEN':
      return new DebugError(
        ErrorCode.NotAllowed,
        `${relay} does not let this operator debug devices: it needs the ${DEBUG_ROLES} role (ask an admin to change it)`,
      );
    case 'CHANNEL_REFUSED': {
      const prefix = closeMessage(CloseCode.CHANNEL_REFUSED) + ': ';
      const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
      return new DebugError(ErrorCode.DeviceRefused, `device "${device}" refused the debug channel: ${reason}`);
    }
    default:
      return new DebugError(
        ErrorCode.StubUnreachable,
        `cannot open a debug channel to ${device} via ${relay}: ${message}`,
      );
  }
}
