// A loopback port on the host that reaches a TCP service inside an emulated link's namespace (via a Unix socket).
//
// Run inside the namespace: node --import tsx namespaceBridge.ts SOCKET HOST PORT
// It listens on the Unix socket SOCKET (a file, so the host sees it) and carries each connection to HOST:PORT.
import fs from 'node:fs';
import net from 'node:net';
import type { EmulatedLink, SideName } from '../../support/netem';

/** A host port whose connections land on a service in one side of a link. */
export interface Bridge {
  /** `127.0.0.1:PORT` on the host. */
  readonly hostPort: string;
  close(): Promise<void>;
}

function splice(a: net.Socket, b: net.Socket): void {
  // Every socket on a path that may carry RSP frames gets noDelay.
  a.setNoDelay(true);
  b.setNoDelay(true);
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once('close', end);
  b.once('close', end);
  a.on('error', end);
  b.on('error', end);
}

/**
 * Bridges `127.0.0.1:<ephemeral>` on the host to `target` (HOST:PORT) inside side `which` of `link`: the traffic
 * never crosses the emulated link, as if the client ran in that namespace. `socketPath` must be a fresh file path.
 */
export async function openBridge(
  link: EmulatedLink,
  which: SideName,
  target: { host: string; port: number },
  socketPath: string,
): Promise<Bridge> {
  const inside = link.spawn(which, process.execPath, [
    '--import',
    'tsx',
    __filename,
    socketPath,
    target.host,
    String(target.port),
  ]);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    inside.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('bridge listening')) resolve();
    });
    inside.once('exit', (code) => reject(new Error(`namespace bridge exited (${code})`)));
  });
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    splice(client, net.connect(socketPath));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    hostPort: `127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      open.forEach((s) => s.destroy());
      await closed;
      inside.kill('SIGTERM');
    },
  };
}

if (require.main === module) {
  const [socketPath, host, port] = process.argv.slice(2);
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((client) => splice(client, net.connect(Number(port), host)));
  server.listen(socketPath, () => process.stdout.write('bridge listening\n'));
  process.once('SIGTERM', () => {
    server.close();
    fs.rmSync(socketPath, { force: true });
    process.exit(0);
  });
}
