// Wires an AccelProxy between a GDB socket (through the tunnel's session filter, if any) and an accelerated channel.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/log';
import { AccelDecoder, AccelFormatError, encodeAccel } from '../../protocol/rspAccel';
import type { RspTunnelOptions } from '../tunnel/rspTunnel';
import type { StepHint } from '../stub/stubConnector';
import { AccelProxy } from './accelProxy';
import type { StepPieces } from './stepPieces';

/**
 * GDB ⇄ [filter, e.g. the monitor interceptor] ⇄ AccelProxy ⇄ channel messages. `held`: GDB bytes that arrived
 * during negotiation; `rest`: channel bytes after the agent's OK. RSP is stop-and-wait, so the messages are small
 * and few: no backpressure beyond the socket's own buffering.
 */
export function attachAccelProxy(
  socket: Socket,
  channel: Duplex,
  log: Logger,
  makeFilter: RspTunnelOptions['filter'],
  held: Buffer[],
  rest: Buffer,
  stepHint: () => StepHint,
  hello: 'in-offer' | 'due',
  pieces?: StepPieces,
): void {
  const toGdbSocket = (data: Buffer): void => {
    if (!socket.destroyed) socket.write(data);
  };
  let fromProxyToGdb = toGdbSocket;
  const proxy = new AccelProxy(
    {
      toGdb: (data) => fromProxyToGdb(data),
      toAgent: (message) => {
        if (!channel.destroyed) channel.write(encodeAccel(message));
      },
    },
    log,
    stepHint,
    hello,
    pieces,
  );
  let fromGdb = (chunk: Buffer): void => proxy.fromGdb(chunk);
  if (makeFilter) {
    const filter = makeFilter({ toStub: (data) => proxy.fromGdb(data), toClient: toGdbSocket });
    fromProxyToGdb = (data) => filter.fromStub(data);
    fromGdb = (chunk) => filter.fromClient(chunk);
  }
  const decoder = new AccelDecoder();
  const fromChannel = (chunk: Buffer): void => {
    try {
      for (const message of decoder.push(chunk)) proxy.fromAgent(message);
    } catch (err) {
      if (!(err instanceof AccelFormatError)) throw err;
      log.warn('the agent sent a malformed message; ending the session', { reason: err.message });
      channel.destroy(err);
    }
  };
  if (rest.length > 0) fromChannel(rest);
  for (const chunk of held) fromGdb(chunk);
  socket.on('data', fromGdb);
  channel.on('data', fromChannel);
  channel.once('close', () => log.info('accelerated RSP session ended', proxy.counts));
  channel.resume();
}
