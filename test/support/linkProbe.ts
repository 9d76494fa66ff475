// A UDP echo and a round-trip prober, run on either side of an emulated link (ping is not installed everywhere).
//
//   node --import tsx test/support/linkProbe.ts echo HOST PORT          prints "echo listening on HOST:PORT"
//   node --import tsx test/support/linkProbe.ts rtt HOST PORT COUNT WAIT_MS
//        sends COUNT probes 100 ms apart, waits WAIT_MS for the last, prints {"sent":N,"rttMs":[…]} (answered only)
import dgram from 'node:dgram';

/** What `rtt` prints. */
export interface RttReport {
  sent: number;
  rttMs: number[];
}

/** The probe command line for `node --import tsx`. */
export const LINK_PROBE = __filename;

function echo(host: string, port: number): void {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
  socket.bind(port, host, () => {
    const addr = socket.address();
    process.stdout.write(`echo listening on ${addr.address}:${addr.port}\n`);
  });
  process.on('SIGTERM', () => socket.close(() => process.exit(0)));
}

async function rtt(host: string, port: number, count: number, waitMs: number): Promise<RttReport> {
  const socket = dgram.createSocket('udp4');
  const sentAt = new Map<number, number>();
  const rttMs: number[] = [];
  socket.on('message', (msg) => {
    const seq = msg.readUInt32BE(0);
    const t = sentAt.get(seq);
    if (t === undefined) return;
    sentAt.delete(seq);
    rttMs.push(Math.round((performance.now() - t) * 10) / 10);
  });
  await new Promise<void>((resolve) => socket.bind(0, () => resolve()));
  for (let seq = 0; seq < count; seq++) {
    const probe = Buffer.alloc(64);
    probe.writeUInt32BE(seq, 0);
    sentAt.set(seq, performance.now());
    socket.send(probe, port, host);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, waitMs));
  socket.close();
  return { sent: count, rttMs };
}

if (require.main === module) {
  const [mode, host, port, count, wait] = process.argv.slice(2);
  if (mode === 'echo') echo(host, Number(port));
  else if (mode === 'rtt')
    void rtt(host, Number(port), Number(count), Number(wait)).then((r) =>
      process.stdout.write(JSON.stringify(r) + '\n'),
    );
  else {
    process.stderr.write('usage: linkProbe.ts echo HOST PORT | rtt HOST PORT COUNT WAIT_MS\n');
    process.exit(2);
  }
}
