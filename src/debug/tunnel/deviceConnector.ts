// How the inline debugger reaches a fleet device: an rsp channel through the extension's relay link, as a local port.
import { DebugError, ErrorCode } from '../errors';
import type { DeviceStubRequest, StubConnector, StubKind } from '../stub/stubConnector';
import type { Logger } from '../../common/log';
import type { ChannelKind } from '../../protocol/channels';
import type { Duplex } from 'node:stream';
import { openRspTunnel } from './rspTunnel';

/** A relay session able to open channels to devices (the OperatorClient of the extension's connection). */
export interface ChannelOpener {
  readonly relay: string;
  openChannel(device: string, kind: ChannelKind): Promise<Duplex>;
  /** The board the device reports, to pick the stub kind (the simulator's GDB stub is QEMU's). */
  boardOf(device: string): string | null | undefined;
}

const SIM_BOARD = 'stm32u5-sim';

/** The stub kind behind a device: QEMU for the simulator, else what launch.json says, else generic. */
export function stubKindFor(board: string | null | undefined, requested?: StubKind): StubKind {
  return requested ?? (board === SIM_BOARD ? 'qemu' : 'generic');
}

/**
 * The `device` connector of the debug session. `session(request)` gives the relay session to use (it throws a
 * DebugError when there is none); the first rsp channel is opened before GDB starts so that an offline device
 * or a refused channel is reported as such.
 */
export function deviceConnector(
  session: (request: DeviceStubRequest) => Promise<ChannelOpener>,
  log: Logger,
): StubConnector<DeviceStubRequest> {
  return {
    async open(request, context) {
      const relay = await session(request);
      let first: Duplex;
      try {
        first = await relay.openChannel(request.device, 'rsp');
      } catch (err) {
        throw new DebugError(
          ErrorCode.StubUnreachable,
          `cannot open a debug channel to ${request.device} via ${relay.relay}: ${(err as Error).message}`,
        );
      }
      const tunnel = await openRspTunnel({ open: () => relay.openChannel(request.device, 'rsp'), first, log });
      context.log(`Outpost: debugging ${request.device} through ${relay.relay} (local port ${tunnel.port})`);
      const onAbort = (): void => void tunnel.close();
      context.signal.addEventListener('abort', onAbort, { once: true });
      return {
        host: tunnel.host,
        port: tunnel.port,
        kind: stubKindFor(relay.boardOf(request.device), request.kind),
        description: `device ${request.device} via ${relay.relay}`,
        dispose: async () => {
          context.signal.removeEventListener('abort', onAbort);
          await tunnel.close();
        },
      };
    },
  };
}
