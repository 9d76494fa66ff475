// The rsp channel: one debug session at a time, piped to a fresh connection to the target's GDB stub (or accelerated).
import type { Socket } from 'node:net';
import type { Logger } from '../common/log';
import type { Channel } from '../link/channel';
import { AccelDecoder, AccelFormatError, accelEnabled, encodeAccel, type AccelMessage } from '../protocol/rspAccel';
import { CloseCode } from '../protocol/closeCodes';
import type { ChannelHandler } from './channelHandler';
import { AccelSession } from './rspAccel/accelSession';
import { HELLO_ANSWER, helloState, skipRepeatedHello } from './rspAccel/hello';
import { StubClient } from './rspAccel/stubClient';
import { detachStub } from './rspDetach';
import { RspWatch } from './rspWatch';

/** How the agent's end of a session reports itself, for the shared detach-on-vanish logic. */
interface SessionEnd {
  /** GDB detached or killed on purpose. */
  ended(): boolean;
  /** The operator's last packet to the stub was cut off. */
  midPacket(): boolean;
  /** Stops using the stub socket (the detach reads it from now on). */
  release(): void;
  /** The detach packet to send (rspDetach's default when undefined). */
  detachPacket?(): string;
}

/**
 * A handler for `rsp` channels. A second OPEN while a session is open is refused with CHANNEL_REFUSED naming who
 * holds it. A channel whose first bytes offer accelerated mode (src/protocol/rspAccel.ts) gets it unless
 * OUTPOST_RSP_ACCEL=0; any other channel is a byte pipe to the stub. When the session ends without the operator's
 * GDB detaching or killing (GDB killed, operator offline, relay gone, E2E failure), the agent detaches from the
 * stub itself so the target runs on.
 */
export function createRspHandler(env: NodeJS.ProcessEnv = process.env): ChannelHandler {
  let holder: string | undefined;
  return async (request, { target, log, debugMark }) => {
    if (holder !== undefined) {
      request.refuse(
        CloseCode.CHANNEL_REFUSED,
        `a debug session by ${holder} is already open on this device; end it before starting another`,
      );
      return;
    }
    holder = request.operator;
    let stub: Socket;
    try {
      stub = await target.connectGdb();
    } catch (e) {
      holder = undefined;
      request.refuse(CloseCode.CHANNEL_REFUSED, `the device's GDB stub is not reachable: ${(e as Error).message}`);
      return;
    }
    stub.setNoDelay(true);
    const channel = request.accept();
    const sessionLog = log.child('rsp');
    // Listened for from the start: the relay link can drop before the session's first byte.
    channel.on('error', (err) => sessionLog.warn('rsp channel ended with an error', { error: err.message }));
    debugMark?.set(request.operator);
    sessionLog.info('debug session opened', { operator: request.operator });
    const session = accelEnabled(env)
      ? firstBytes(channel).then(({ hello, bytes, first }) =>
          hello
            ? acceleratedSession(channel, stub, bytes, sessionLog, first)
            : pipeSession(channel, stub, bytes, sessionLog),
        )
      : pipeSession(channel, stub, Buffer.alloc(0), sessionLog);
    void session.then(() => {
      // The stub is released (detached, or detached for a vanished operator): nothing to do after a crash now.
      debugMark?.clear();
      holder = undefined;
      sessionLog.info('debug session closed', { operator: request.operator });
    });
  };
}

/** What opened the channel: the offer (and the hello a version-2 offer carries) or plain bytes. */
interface FirstBytes {
  hello: boolean;
  bytes: Buffer;
  first?: Extract<AccelMessage, { t: 'hello' }>;
}

/** Reads until the first bytes show whether they offer accelerated mode; leaves the channel paused. */
function firstBytes(channel: Channel): Promise<FirstBytes> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    const finish = (hello: boolean, bytes: Buffer, first?: FirstBytes['first']): void => {
      channel.off('data', onData);
      channel.off('close', onClose);
      channel.pause();
      resolve({ hello, bytes, first });
    };
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const state = helloState(seen);
      if (state.state === 'hello') finish(true, state.rest, state.first);
      else if (state.state === 'plain') finish(false, seen);
    };
    const onClose = (): void => finish(false, seen);
    channel.on('data', onData);
    channel.once('close', onClose);
  });
}

/** Accelerated mode: the agent terminates RSP with the stub and serves the operator side's messages. */
function acceleratedSession(
  channel: Channel,
  stub: Socket,
  rest: Buffer,
  log: Logger,
  first: FirstBytes['first'],
): Promise<void> {
  log.info('accelerated RSP session', { offer: first ? 2 : 1 });
  channel.write(HELLO_ANSWER);
  const client = new StubClient(stub, log);
  const session = new AccelSession(client, (message) => channel.write(encodeAccel(message)), log);
  // A version-2 offer carried the hello: the bundle goes out without waiting for another message.
  if (first) session.receive(first);
  const decoder = new AccelDecoder();
  let leading: Buffer | undefined = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    try {
      // An offer the operator side sent again (it saw no ack in time) precedes its first message: skip it.
      if (leading !== undefined) {
        const skipped = skipRepeatedHello(Buffer.concat([leading, chunk]));
        leading = skipped.state === 'more' ? skipped.bytes : undefined;
        if (leading !== undefined) return;
        chunk = skipped.bytes;
      }
      for (const message of decoder.push(chunk)) session.receive(message);
    } catch (err) {
      if (!(err instanceof AccelFormatError)) throw err;
      log.warn('malformed message from the operator side; ending the session', { reason: err.message });
      channel.destroy(err);
    }
  };
  if (rest.length > 0) onData(rest);
  channel.on('data', onData);
  channel.resume();
  return endOfSession(channel, stub, log, {
    ended: () => session.sessionEnded,
    midPacket: () => false,
    detachPacket: () => session.detachPacket,
    release: () => {
      session.close();
      client.release();
    },
  });
}

/** Forwards both ways with backpressure until either side ends; resolves when the stub socket is released. */
function pipeSession(channel: Channel, stub: Socket, first: Buffer, log: Logger): Promise<void> {
  const watch = new RspWatch();
  const fromStub = (data: Buffer): void => {
    if (!channel.write(data)) stub.pause();
  };
  const fromChannel = (data: Buffer): void => {
    watch.feed(data);
    if (!stub.write(data)) channel.pause();
  };
  channel.on('drain', () => stub.resume());
  stub.on('drain', () => channel.resume());
  if (first.length > 0) fromChannel(first);
  channel.on('data', fromChannel);
  channel.resume();
  stub.on('data', fromStub);
  return endOfSession(channel, stub, log, {
    ended: () => watch.sessionEnded,
    midPacket: () => watch.midPacket,
    release: () => stub.off('data', fromStub),
  });
}

// Either side ending ends the session; an operator who vanished without D or k gets the stub detached for them.
function endOfSession(channel: Channel, stub: Socket, log: Logger, end: SessionEnd): Promise<void> {
  return new Promise((resolve) => {
    stub.on('error', (err) => log.warn('GDB stub connection error', { error: err.message }));
    stub.on('close', () => {
      if (!channel.destroyed) channel.end();
      resolve();
    });
    const onChannelClosed = (): void => {
      if (stub.destroyed) return resolve();
      end.release();
      const release = (): void => {
        stub.end();
        // A stub that keeps its side open must not pin the session: drop the socket shortly after.
        setTimeout(() => stub.destroy(), 1000).unref();
      };
      if (end.ended()) return release();
      log.info('operator left without detaching; detaching so the target runs on');
      void detachStub(stub, end.midPacket(), log, undefined, end.detachPacket?.()).then((outcome) => {
        if (outcome !== 'detached') log.warn('GDB stub did not confirm the detach', { outcome });
        release();
      });
    };
    // The channel may have closed before its first byte (nothing to tell pipe from accelerated yet).
    if (channel.destroyed) onChannelClosed();
    else channel.once('close', onChannelClosed);
  });
}
