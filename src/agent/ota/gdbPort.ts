// A local TCP port in front of a Target's GDB stub, so a gdb process can reach whatever connectGdb() returns.
import net from 'node:net';

/** A listening port; close() stops it and every connection through it. */
export interface LocalGdbPort {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and pipes each connection to a fresh `connect()` socket, with noDelay on both. */
export async function openLocalGdbPort(connect: () => Promise<net.Socket>): Promise<LocalGdbPort> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    connect().then(
      (stub) => {
        stub.setNoDelay(true);
        sockets.add(stub);
        stub.on('close', () => {
          sockets.delete(stub);
          client.destroy();
        });
        stub.on('error', () => stub.destroy());
        client.on('close', () => stub.destroy());
        client.pipe(stub);
        stub.pipe(client);
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
