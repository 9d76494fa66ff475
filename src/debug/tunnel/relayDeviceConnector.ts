// The stdio adapter's `device` connector: its own operator link to the relay, one per debug session, closed with it.
import { IdentityFileError, readIdentityFile } from '../../common/identityFile';
import type { Logger } from '../../common/log';
import { RelayError } from '../../link/errors';
import { connectOperator, type OperatorClient } from '../../link/operatorClient';
import type { Identity } from '../../protocol/identity';
import { DebugError, ErrorCode } from '../errors';
import type { DeviceStubRequest, StubConnector } from '../stub/stubConnector';
import { deviceConnector, type ChannelOpener } from './deviceConnector';
import { relaySettingsFor, type RelayDefaults } from './relaySettings';

/** Where the relay and key come from when launch.json does not say, and where the link logs. */
export interface RelayDeviceConnectorOptions extends RelayDefaults {
  log: Logger;
}

/**
 * A device connector that needs no host: each open() resolves the relay and operator key (relaySettingsFor),
 * connects one operator link, opens the device's rsp channel through it (deviceConnector) and closes the link
 * when the endpoint is disposed. A link that drops mid-session closes the channel, which the endpoint reports as lost.
 */
export function relayDeviceConnector(options: RelayDeviceConnectorOptions): StubConnector<DeviceStubRequest> {
  const { log } = options;
  return {
    async open(request, context) {
      const { relay, keyFile } = relaySettingsFor(request, options);
      const client = await connectOrExplain(relay, readKey(keyFile), request.device, log);
      const watch = client.onClose((reason) => log.warn('relay link closed', { relay, reason: reason.message }));
      try {
        const endpoint = await deviceConnector(() => Promise.resolve(openerOf(client, relay, log)), log).open(
          request,
          context,
        );
        return {
          ...endpoint,
          dispose: async () => {
            watch.dispose();
            try {
              await endpoint.dispose();
            } finally {
              client.close();
            }
          },
        };
      } catch (err) {
        watch.dispose();
        client.close();
        throw err;
      }
    },
  };
}

function readKey(keyFile: string): Identity {
  try {
    return readIdentityFile(keyFile);
  } catch (err) {
    if (err instanceof IdentityFileError) throw new DebugError(ErrorCode.RelayNotConfigured, err.message);
    throw err;
  }
}

async function connectOrExplain(relay: string, identity: Identity, device: string, log: Logger) {
  try {
    return await connectOperator({ relay, identity, log: log.child('link') });
  } catch (err) {
    if (!(err instanceof RelayError)) throw err;
    throw new DebugError(
      ErrorCode.RelayUnreachable,
      `cannot reach device "${device}": connecting to ${relay} failed: ${err.message}`,
    );
  }
}

// The board each device reports (sim → QEMU's stub) comes from one devices.list sent alongside the channel's OPEN.
function openerOf(client: OperatorClient, relay: string, log: Logger): ChannelOpener {
  const boards = new Map<string, string | null>();
  const listing = client.request('devices.list').then(
    (devices) => devices.forEach((d) => boards.set(d.name, d.board)),
    (err: unknown) => log.warn('devices.list failed; the stub kind falls back to launch.json', { error: String(err) }),
  );
  return {
    relay,
    openChannel: async (device, kind) => {
      const channel = await client.openChannel(device, kind);
      await listing;
      return channel;
    },
    boardOf: (device) => boards.get(device),
  };
}
