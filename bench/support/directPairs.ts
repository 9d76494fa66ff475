// The plain alternative to a relayed tunnel: each operator end connects straight to the device end over one WebSocket.
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream, WebSocketServer } from 'ws';

/** `n` direct WebSocket connections on loopback as byte-stream pairs (client end, server end), no relay, no E2E. */
export async function openDirectPairs(n: number): Promise<{ pairs: [Duplex, Duplex][]; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const serverEnds = new Map<number, Duplex>();
  const arrived = new Map<number, () => void>();
  server.on('connection', (ws, req) => {
    const i = Number((req.url ?? '').split('/').pop());
    serverEnds.set(i, createWebSocketStream(ws));
    arrived.get(i)?.();
  });
  const pairs = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const seen = new Promise<void>((resolve) => arrived.set(i, resolve));
      const ws = new WebSocket(`ws://127.0.0.1:${port}/pair/${i}`, { perMessageDeflate: false });
      const client = createWebSocketStream(ws);
      await Promise.all([new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)), seen]);
      return [client, serverEnds.get(i)!] as [Duplex, Duplex];
    }),
  );
  return {
    pairs,
    async close() {
      pairs.flat().forEach((end) => end.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
