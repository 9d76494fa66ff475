// Channels to devices through the extension's connection: what consoles, logs, tunnels and the debugger use.
import type { ChannelOpener } from '../debug/tunnel/deviceConnector';
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
