// Two ends of one real TCP connection on loopback, for tests of code that speaks over a socket (OTA sender/receiver).
import net from 'node:net';

/** A connected pair of TCP sockets on 127.0.0.1: [accepted side, connecting side]. The listener is closed again. */
export async function tcpSocketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const serverSide = await accepted;
  server.close();
  return [serverSide, client];
}
