// Adapts src/link's OperatorClient to the RelayLink the connection manager expects; loaded on first connect.
import type { Logger } from '../common/log';
import type { OperatorClient } from '../link/operatorClient';
import type { RelayConnector, RelayLink } from './relayConnection';

/** A RelayLink that also exposes the operator client, for device channels (rsp, console, logs). */
export interface OperatorRelayLink extends RelayLink {
  readonly client: OperatorClient;
}

/**
 * The connector the extension uses. The link stack (ws, ed25519, E2E) is imported on the first connection,
 * not at activation, so activation stays fast; webpack keeps it in the one bundle ("eager").
 */
export function operatorConnector(log: Logger): RelayConnector {
  return async ({ relay, identity }) => {
    const { connectOperator } = await import(/* webpackMode: "eager" */ '../link/operatorClient');
    // A pin that followed a device's signed key rotation is said once, in the Outpost output (not on stderr).
    const client = await connectOperator({ relay, identity, log, notify: (line) => log.warn(line) });
    const link: OperatorRelayLink = {
      client,
      request: (method, params) => client.request(method, params),
      onEvent: (listener) => client.onEvent((e) => listener(e.event, e.data)),
      onClose: (listener) => client.onClose(listener),
      close: () => client.close(),
    };
    return link;
  };
}
