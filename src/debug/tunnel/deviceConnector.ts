// How the inline debugger reaches a fleet device: an rsp channel through the extension's relay link, as a local port.
import type { DeviceStubRequest, StubConnector, StubKind } from '../stub/stubConnector';
import type { Logger } from '../../common/log';
import type { ChannelKind } from '../../protocol/channels';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { loadStepPieces } from '../accel/stepPieces';
import { attachReads } from './attachReads';
import { deviceChannelError } from './deviceErrors';
import { LossWatch } from './lossWatch';
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
 * or a refused channel is reported as such. A channel that closes on its own is reported through onLost.
 */
export function deviceConnector(
  session: (request: DeviceStubRequest) => Promise<ChannelOpener>,
  log: Logger,
): StubConnector<DeviceStubRequest> {
  return {
    async open(request, context) {
      const relay = await session(request);
      const loss = new LossWatch();
      // Read before the channel opens: nothing would listen to a channel failing while the ELF is read.
      const [reads, pieces] = await Promise.all([attachReads(request.elf), loadStepPieces(request.elf)]);
      let first: Duplex;
      // Opening the channel is a round trip to the device through the relay (OPEN, the agent's answer): the one
      // measure of the link the session has before GDB talks to the stub, which sizes its timeouts from it.
      const openedAt = performance.now();
      let linkRttMs: number;
      try {
        first = await relay.openChannel(request.device, 'rsp');
        linkRttMs = Math.round(performance.now() - openedAt);
      } catch (err) {
        throw deviceChannelError(err, request.device, relay.relay);
      }
      const open = (): Promise<Duplex> =>
        relay.openChannel(request.device, 'rsp').catch((err: unknown) => {
          throw deviceChannelError(err, request.device, relay.relay);
        });
      const onLost = (why: string): void => loss.lose(why);
      const tunnel = await openRspTunnel({ open, first, log, reads, pieces, onLost });
      context.log(`Outpost: debugging ${request.device} through ${relay.relay} (local port ${tunnel.port})`);
      const onAbort = (): void => {
        loss.disarm();
        void tunnel.close();
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      return {
        host: tunnel.host,
        port: tunnel.port,
        kind: stubKindFor(relay.boardOf(request.device), request.kind),
        description: `device ${request.device} via ${relay.relay}`,
        linkRttMs,
        onLost: (listener) => loss.onLost(listener),
        stepHint: (hint) => tunnel.stepHint(hint),
        dispose: async () => {
          context.signal.removeEventListener('abort', onAbort);
          loss.disarm();
          await tunnel.close();
        },
      };
    },
  };
}
