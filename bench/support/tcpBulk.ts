// Raw TCP over the emulated link, the baseline of bench/ota-link.ts: a sink on one side, a timed sender on the other.
//
//   node --import tsx bench/support/tcpBulk.ts sink HOST PORT      prints "sink listening on HOST:PORT"; for each
//        connection reads until the sender ends, then answers one byte
//   node --import tsx bench/support/tcpBulk.ts send HOST PORT BYTES
//        prints {"bytes":N,"transferMs":T}: from the connection being up to the sink's answer (bytes + 1 RTT)
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** What `send` prints. */
export interface BulkReport {
  bytes: number;
  transferMs: number;
}

/** This file, to run with `node --import tsx`. */
export const TCP_BULK = __filename;

function sink(host: string, port: number): void {
  const server = net.createServer((socket) => {
    socket.on('data', () => undefined);
    socket.on('end', () => socket.end(Buffer.from([1])));
    socket.on('error', () => socket.destroy());
  });
  server.listen(port, host, () => process.stdout.write(`sink listening on ${host}:${port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

function send(host: string, port: number, bytes: number): Promise<BulkReport> {
  const payload = randomBytes(bytes);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let start = 0;
    socket.once('connect', () => {
      start = performance.now();
      socket.end(payload);
    });
    socket.once('data', () => {
      resolve({ bytes, transferMs: Math.round((performance.now() - start) * 10) / 10 });
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

if (require.main === module) {
  const [mode, host, port, bytes] = process.argv.slice(2);
  if (mode === 'sink') sink(host, Number(port));
  else if (mode === 'send')
    send(host, Number(port), Number(bytes)).then(
      (r) => process.stdout.write(JSON.stringify(r) + '\n'),
      (err: Error) => {
        process.stderr.write(`tcpBulk: ${err.message}\n`);
        process.exit(1);
      },
    );
  else {
    process.stderr.write('usage: tcpBulk.ts sink HOST PORT | send HOST PORT BYTES\n');
    process.exit(2);
  }
}
