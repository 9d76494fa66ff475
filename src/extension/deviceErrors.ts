// Why a device command could not reach its device, said about that device: offline, unknown, or refused.
import type { ChannelKind } from '../protocol/channels';
import { closeMessage, CloseCode } from '../protocol/closeCodes';

/** What kept a command from its device. */
export type DeviceProblem = 'offline' | 'unknown' | 'refused';

/** The relay or the device refused a device command's channel; the message names the device and what to do. */
export class DeviceUnavailable extends Error {
  override readonly name = 'DeviceUnavailable';
  constructor(
    readonly device: string,
    readonly problem: DeviceProblem,
    message: string,
  ) {
    super(message);
  }
}

const offline = (device: string): DeviceUnavailable =>
  new DeviceUnavailable(
    device,
    'offline',
    `${device} is offline: its agent is not connected to the relay. Try again once the Fleet view shows it online.`,
  );

const unknown = (device: string): DeviceUnavailable =>
  new DeviceUnavailable(device, 'unknown', `the relay has no device named "${device}".`);

/**
 * What keeps a command from a device as the Fleet view knows it (`listed`: its entry there): unknown or offline,
 * the same errors the relay's refusals become; undefined for a device online now.
 */
export function fleetProblem(device: string, listed: { online: boolean } | undefined): DeviceUnavailable | undefined {
  if (!listed) return unknown(device);
  return listed.online ? undefined : offline(device);
}

/**
 * The error to report when opening a `kind` channel to `device` failed: the relay's refusals (the link's RelayError
 * codes) become a DeviceUnavailable naming the device; anything else is returned as it is.
 */
export function deviceChannelError(err: unknown, device: string, kind: ChannelKind): unknown {
  const code = (err as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'DEVICE_OFFLINE':
      return offline(device);
    case 'DEVICE_UNKNOWN':
      return unknown(device);
    case 'CHANNEL_REFUSED': {
      const prefix = closeMessage(CloseCode.CHANNEL_REFUSED) + ': ';
      const text = (err as Error).message;
      const reason = text.startsWith(prefix) ? text.slice(prefix.length) : text;
      return new DeviceUnavailable(device, 'refused', `${device} refused the ${kind} channel: ${reason}`);
    }
    default:
      return err;
  }
}
