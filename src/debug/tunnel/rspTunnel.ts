// A loopback GDB server port whose connections are carried to one device over rsp channels through the relay.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../../common/log';
import { accelEnabled, type MemoryRange } from '../../protocol/rspAccel';
import { attachAccelProxy } from '../accel/attachProxy';
import { negotiateAccel } from '../accel/negotiate';
import type { StepPieces } from '../accel/stepPieces';
import type { SessionOutputs } from '../rsp/monitorInterceptor';
import { RspParser } from '../rsp/packet';
import type { StepHint } from '../stub/stubConnector';

/** An open tunnel: GDB connects to host:port. */
export interface RspTunnel {
  readonly host: string;
  readonly port: number;
  /** Stops listening and ends the current session's socket and channel. */
  close(): Promise<void>;
  /** What the debug session's next resumes are for (StepHint); the accelerator reads it per range step. */
  stepHint(hint: StepHint): void;
}

/** How the tunnel reaches the device and where it listens. */
export interface RspTunnelOptions {
  /** Opens a fresh rsp channel to the device (one per GDB connection: the device serves one session at a time). */
  open(): Promise<Duplex>;
  /** A channel opened already (so a refusal shows before GDB starts); used for the first connection if still open. */
  first?: Duplex;
  /**
   * The device side went away under a connected GDB: its channel closed while GDB was still connected, or no
   * channel could be opened for it. Not called when GDB leaving closed the channel.
   */
  onLost?(why: string): void;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  log?: Logger;
  /** At most this many GDB connections at once (default: no limit); later ones go to `refuse`. */
  maxSessions?: number;
  /** Tells a GDB connection that cannot be served why, then closes it (default: close it). */
  refuse?: (socket: Socket, reason: string) => void;
  /** Rewrites one session's RSP stream (e.g. answers monitor commands the stub lacks); default: bytes as they are. */
  filter?: (outputs: SessionOutputs) => SessionFilter;
  /** Offer the agent accelerated mode (src/debug/accel/); default: unless OUTPOST_RSP_ACCEL=0. */
  accelerate?: boolean;
  /** Memory GDB reads right after connecting (the ELF check's range, tunnel/attachReads.ts): asked for in the offer. */
  reads?: MemoryRange[];
  /** The ELF's line table (accel/stepPieces.ts): a `next` then costs one range step per line, not one per piece. */
  pieces?: StepPieces;
}

/** What a channel that closed under a connected GDB without an error is reported as. */
export const CHANNEL_ENDED = 'the device ended the debug channel';

/** How long the offer waits for GDB's first packet (qSupported, sent as soon as GDB connects) to carry it along. */
const FIRST_PACKET_MS = 1000;

/** A per-session RSP rewriter: fed both directions, it writes through the outputs it was made with. */
export interface SessionFilter {
  fromClient(chunk: Buffer): void;
  fromStub(chunk: Buffer): void;
}

/** The reason a connection is refused while the tunnel already serves maxSessions GDB clients. */
export const BUSY_REASON = 'another GDB client is attached to this tunnel; only one debug session at a time';

// Either side ending or failing ends the other; the bytes in between flow as negotiated (acceleratedBridge).
function bridge(
  socket: Socket,
  channel: Duplex,
  log: Logger,
  options: RspTunnelOptions,
  stepHint: () => StepHint,
): void {
  const end = (why: string) => (err?: Error) => {
    if (err) log.info('GDB session ended', { side: why, reason: err.message });
    socket.destroy();
    channel.destroy();
  };
  // GDB still connected means the device side ended first (GDB leaving destroys its socket before the channel).
  const deviceEnded = (why: string): void => {
    if (!socket.destroyed) options.onLost?.(why);
    socket.destroy();
  };
  socket.once('error', end('gdb'));
  channel.once('error', (err: Error) => {
    deviceEnded(err.message);
    end('device')(err);
  });
  socket.once('close', () => channel.destroy());
  channel.once('close', () => deviceEnded(CHANNEL_ENDED));
  if (!(options.accelerate ?? accelEnabled())) return plainBridge(socket, channel, options.filter);
  acceleratedBridge(socket, channel, log, options, stepHint).catch((err: unknown) => end('device')(err as Error));
}

/** Today's byte pipe, with backpressure; `held` = GDB bytes that arrived during a refused negotiation. */
function plainBridge(socket: Socket, channel: Duplex, filter: RspTunnelOptions['filter'], held: Buffer[] = []): void {
  if (filter) bridgeFiltered(socket, channel, filter, held);
  else {
    for (const chunk of held) channel.write(chunk);
    socket.pipe(channel);
    channel.pipe(socket);
  }
}

function bridgeFiltered(
  socket: Socket,
  channel: Duplex,
  makeFilter: NonNullable<RspTunnelOptions['filter']>,
  held: Buffer[],
): void {
  const filter = makeFilter({
    toStub: (data) => {
      if (!channel.destroyed && !channel.write(data)) socket.pause();
    },
    toClient: (data) => {
      if (!socket.destroyed && !socket.write(data)) channel.pause();
    },
  });
  channel.on('drain', () => socket.resume());
  socket.on('drain', () => channel.resume());
  for (const chunk of held) filter.fromClient(chunk);
  socket.on('data', (chunk: Buffer) => filter.fromClient(chunk));
  channel.on('data', (chunk: Buffer) => filter.fromStub(chunk));
  channel.resume();
}

// Offers accelerated mode with GDB's first packet in it; GDB's bytes wait meanwhile. An old agent gets the plain pipe
// with those bytes replayed.
async function acceleratedBridge(
  socket: Socket,
  channel: Duplex,
  log: Logger,
  options: RspTunnelOptions,
  stepHint: () => StepHint,
): Promise<void> {
  const held: Buffer[] = [];
  const parser = new RspParser();
  let sawFirst: (payload: string | undefined) => void = () => undefined;
  const first = new Promise<string | undefined>((resolve) => (sawFirst = resolve));
  const timer = setTimeout(() => sawFirst(undefined), FIRST_PACKET_MS);
  const hold = (chunk: Buffer): void => {
    held.push(chunk);
    for (const event of parser.push(chunk)) if (event.type === 'packet') sawFirst(event.payload);
  };
  const gone = (): void => sawFirst(undefined);
  socket.on('data', hold);
  socket.once('close', gone);
  const qSupported = await first;
  clearTimeout(timer);
  socket.off('close', gone);
  const hello = {
    t: 'hello' as const,
    qSupported: qSupported?.startsWith('qSupported') ? qSupported : undefined,
    reads: options.reads?.length ? options.reads : undefined,
  };
  const { accelerated, rest } = await negotiateAccel(channel, hello);
  socket.off('data', hold);
  if (socket.destroyed || channel.destroyed) return;
  if (!accelerated) {
    log.info('the device agent does not accelerate RSP; carrying bytes as they are');
    if (rest.length > 0) socket.write(rest);
    plainBridge(socket, channel, options.filter, held);
    channel.resume();
    return;
  }
  log.info('accelerated RSP session');
  attachAccelProxy(socket, channel, log, options.filter, held, rest, stepHint, 'in-offer', options.pieces);
}

/**
 * Listens on host:port (default 127.0.0.1, a free port) and carries each accepted connection over its own rsp
 * channel. Nagle is off on every socket: RSP is stop-and-wait, so a delayed small packet stalls the debugger.
 */
export async function openRspTunnel(options: RspTunnelOptions): Promise<RspTunnel> {
  const log = options.log ?? silentLogger;
  let spare = options.first;
  // Until GDB connects nobody else listens on the channel opened ahead; its failure only means opening another.
  spare?.once('error', (err: Error) => log.info('the rsp channel opened ahead failed', { reason: err.message }));
  const live = new Set<Socket>();
  const channels = new Set<Duplex>();
  let sessions = 0;
  let hint: StepHint = 'none';
  const refuse = options.refuse ?? ((socket: Socket) => socket.destroy());
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    live.add(socket);
    socket.once('close', () => live.delete(socket));
    if (sessions >= (options.maxSessions ?? Infinity)) {
      log.info('refused a GDB connection: a session is open', { from: socket.remoteAddress });
      refuse(socket, BUSY_REASON);
      return;
    }
    sessions++;
    socket.once('close', () => sessions--);
    // A channel opened ahead may have died meanwhile (relay restarted, device reconnected): open a fresh one.
    const ready = spare && !spare.destroyed ? Promise.resolve(spare) : options.open();
    spare = undefined;
    ready.then(
      (channel) => {
        channels.add(channel);
        channel.once('close', () => channels.delete(channel));
        if (socket.destroyed) channel.destroy();
        else bridge(socket, channel, log, options, () => hint);
      },
      (err: unknown) => {
        log.warn('cannot open an rsp channel for a GDB connection', { reason: (err as Error).message });
        options.onLost?.((err as Error).message);
        refuse(socket, (err as Error).message);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        spare?.destroy();
        for (const s of live) s.destroy();
        for (const c of channels) c.destroy();
        server.close(() => resolve());
      }),
    stepHint: (next) => (hint = next),
  };
}
