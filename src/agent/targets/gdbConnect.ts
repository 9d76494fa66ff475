// Opens a TCP connection to a GDB server with Nagle off (RSP is stop-and-wait: every packet is latency-bound).
import { connect, type Socket } from 'node:net';
import { TargetError } from './errors';

/** Connects to host:port; rejects with GDB_UNREACHABLE after timeoutMs or on refusal. */
export function connectGdbSocket(host: string, port: number, timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new TargetError(
          'GDB_UNREACHABLE',
          `cannot reach the GDB server at ${host}:${port} (${why}); check that it runs and listens there`,
        ),
      );
    };
    const timer = setTimeout(() => fail('timed out'), timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code ?? err.message);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
