// Channels to devices through the extension's connection: what consoles, logs, tunnels and the debugger use.
import type { ChannelOpener } from '../debug/tunnel/deviceConnector';
import { deviceChannelError } from './deviceErrors';
import type { OperatorRelayLink } from './operatorLink';
import { NotConnected } from './relayConnection';
import type { Services } from './services';

/** The connected relay session as a ChannelOpener; throws NotConnected without a connection. */
export function connectedOpener(s: Services): ChannelOpener {
  const state = s.connection.state;
  const link = s.connection.activeLink as OperatorRelayLink | undefined;
  if (!link || state.kind !== 'connected') throw new NotConnected();
  return {
    relay: state.relay,
    openChannel: (device, kind) => link.client.openChannel(device, kind),
    boardOf: (device) => s.fleet.get(device)?.board,
  };
}

/**
 * connectedOpener for the device commands (console, logs, GDB tunnel, reboot): a refused channel becomes a
 * DeviceUnavailable that names the device. (The debugger maps the relay's refusals itself.)
 */
export function commandOpener(s: Services): ChannelOpener {
  const opener = connectedOpener(s);
  return {
    ...opener,
    openChannel: async (device, kind) => {
      try {
        return await opener.openChannel(device, kind);
      } catch (err) {
        throw deviceChannelError(err, device, kind);
      }
    },
  };
}
