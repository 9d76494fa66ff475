// What the status bar says about the relay connection: text, tooltip and what a click does.
import type { ConnectionState } from './relayConnection';

/** The status bar item's content. */
export interface StatusView {
  /** With codicons, e.g. "$(radio-tower) relay.example.com · 3/5 online". */
  readonly text: string;
  readonly tooltip: string;
  /** The command a click runs. */
  readonly command: string;
  /** A theme color id for the background when something needs attention. */
  readonly background?: string;
}

/** The host (and port) of a relay URL, which is what a user recognizes; the URL itself when it does not parse. */
export function relayLabel(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Renders the connection state with the fleet counts. */
export function statusView(state: ConnectionState, counts: { online: number; total: number }): StatusView {
  switch (state.kind) {
    case 'disconnected':
      return {
        text: '$(debug-disconnect) Outpost',
        tooltip: 'Outpost: not connected to a relay. Click to connect.',
        command: 'outpost.connect',
      };
    case 'connecting':
      return {
        text: `$(sync~spin) Outpost: ${relayLabel(state.relay)}`,
        tooltip: `Outpost: connecting to ${state.relay}…`,
        command: 'outpost.showFleet',
      };
    case 'connected':
      return {
        text: `$(radio-tower) ${relayLabel(state.relay)} · ${counts.online}/${counts.total} online`,
        tooltip: `Outpost: connected to ${state.relay} as ${state.operator} (${state.role}); ${counts.online} of ${counts.total} devices online. Click to show the fleet.`,
        command: 'outpost.showFleet',
      };
    case 'reconnecting':
      return {
        text: `$(sync~spin) ${relayLabel(state.relay)} · reconnecting`,
        tooltip: `Outpost: lost the connection to ${state.relay} (${state.reason}); retrying in ${Math.ceil(state.retryInMs / 1000)} s.`,
        command: 'outpost.showFleet',
        background: 'statusBarItem.warningBackground',
      };
    case 'failed':
      return {
        text: `$(error) Outpost: ${relayLabel(state.relay)}`,
        tooltip: `Outpost: ${state.message} Click to connect again.`,
        command: 'outpost.connect',
        background: 'statusBarItem.errorBackground',
      };
  }
}
