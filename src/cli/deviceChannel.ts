// Opens a channel to a named device for console, exec, logs and tunnel, with the relay's refusals as one line.
import type { Channel } from '../link/channel';
import { RelayError } from '../link/errors';
import type { OperatorClient } from '../link/operatorClient';
import type { ChannelKind } from '../protocol/channels';
import { closeMessage, CloseCode } from '../protocol/closeCodes';
import { CliError } from './errors';

/** The error for a device name the relay does not know. */
export function unknownDevice(device: string): CliError {
  return new CliError(`no device named "${device}" on this relay (see: outpost devices)`);
}

/** The error for a device whose agent is not connected. */
export function offlineDevice(device: string): CliError {
  return new CliError(`device "${device}" is offline: its agent is not connected to the relay`);
}

/**
 * The error to report for a failure reaching `device`: an unknown or offline device and a refused channel are
 * said in terms of the device; anything else is returned as it is.
 */
export function deviceError(err: unknown, device: string, kind: ChannelKind): unknown {
  if (!(err instanceof RelayError)) return err;
  switch (err.code) {
    case 'DEVICE_UNKNOWN':
      return unknownDevice(device);
    case 'DEVICE_OFFLINE':
      return offlineDevice(device);
    case 'CHANNEL_REFUSED': {
      const prefix = closeMessage(CloseCode.CHANNEL_REFUSED) + ': ';
      const reason = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      return new CliError(`device "${device}" refused the ${kind} channel: ${reason}`);
    }
    default:
      return err;
  }
}

/** Opens a `kind` channel to `device`; rsp and console are end-to-end encrypted (OperatorClient.openChannel). */
export async function openDeviceChannel(client: OperatorClient, device: string, kind: ChannelKind): Promise<Channel> {
  try {
    return await client.openChannel(device, kind);
  } catch (err) {
    throw deviceError(err, device, kind);
  }
}
