// The rsp channel: one debug session at a time, piped to a fresh connection to the target's GDB stub.
import type { Socket } from 'node:net';
import type { Logger } from '../common/log';
import type { Channel } from '../link/channel';
import { CloseCode } from '../protocol/closeCodes';
import type { ChannelHandler } from './channelHandler';
import { detachStub } from './rspDetach';
import { RspWatch } from './rspWatch';

/**
 * A handler for `rsp` channels. A second OPEN while a session is open is refused with CHANNEL_REFUSED naming who
 * holds it. When the session ends without the operator's GDB detaching or killing (GDB killed, operator
 * offline, relay gone, E2E failure), the agent detaches from the stub itself so the target runs on.
 */
export function createRspHandler(): ChannelHandler {
  let holder: string | undefined;
  return async (request, { target, log }) => {
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
    sessionLog.info('debug session opened', { operator: request.operator });
    void pipeSession(channel, stub, sessionLog).then(() => {
      holder = undefined;
      sessionLog.info('debug session closed', { operator: request.operator });
    });
  };
}

/** Forwards both ways with backpressure until either side ends; resolves when the stub socket is released. */
function pipeSession(channel: Channel, stub: Socket, log: Logger): Promise<void> {
  const watch = new RspWatch();
  return new Promise((resolve) => {
    const fromStub = (data: Buffer): void => {
      if (!channel.write(data)) stub.pause();
    };
    channel.on('drain', () => stub.resume());
    stub.on('drain', () => channel.resume());
    channel.on('data', (data: Buffer) => {
      watch.feed(data);
      if (!stub.write(data)) channel.pause();
    });
    stub.on('data', fromStub);
    stub.on('error', (err) => log.warn('GDB stub connection error', { error: err.message }));
    stub.on('close', () => {
      if (!channel.destroyed) channel.end();
      resolve();
    });
    channel.on('error', (err) => log.warn('rsp channel ended with an error', { error: err.message }));
    channel.on('close', () => {
      if (stub.destroyed) return resolve();
      stub.off('data', fromStub);
      const release = (): void => {
        stub.end();
        // A stub that keeps its side open must not pin the session: drop the socket shortly after.
        setTimeout(() => stub.destroy(), 1000).unref();
      };
      if (watch.sessionEnded) return release();
      log.info('operator left without detaching; detaching so the target runs on');
      void detachStub(stub, watch.midPacket, log).then((outcome) => {
        if (outcome !== 'detached') log.warn('GDB stub did not confirm the detach', { outcome });
        release();
      });
    });
  });
}
