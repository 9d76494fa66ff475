// A plain TCP forwarder (what `ssh -L` gives) that also reports every RSP packet it carries, one JSON line each.
//
// Usage: node --import tsx bench/support/rspCountingForward.ts LISTEN_HOST LISTEN_PORT STUB_HOST STUB_PORT
// Prints `{"ready":true}` once listening, then `{"t":EPOCH_MS,"d":"c"|"s","p":"<first 40 chars>"}` for each
// packet from the client (c, GDB's side) or the stub (s); `^C` is an interrupt byte. Acks are not packets.
import net from 'node:net';

/** Splits an RSP byte stream into packet payloads; keeps partial packets between chunks. */
export class RspPacketScanner {
  private inPacket = false;
  private body = '';
  private checksumLeft = 0;

  /** Feeds one chunk; returns the payloads of the packets it completed. */
  feed(chunk: Buffer): string[] {
    const done: string[] = [];
    for (const byte of chunk) {
      const ch = String.fromCharCode(byte);
      if (this.checksumLeft > 0) {
        if (--this.checksumLeft === 0) done.push(this.body);
      } else if (this.inPacket) {
        if (ch === '#') {
          this.inPacket = false;
          this.checksumLeft = 2;
        } else if (this.body.length < 40) this.body += ch;
      } else if (ch === '$' || ch === '%') {
        this.inPacket = true;
        this.body = ch === '%' ? '%' : '';
      } else if (byte === 0x03) done.push('^C');
    }
    return done;
  }
}

function main(): void {
  const [listenHost, listenPort, stubHost, stubPort] = process.argv.slice(2);
  if (!stubPort) {
    process.stderr.write('usage: rspCountingForward LISTEN_HOST LISTEN_PORT STUB_HOST STUB_PORT\n');
    process.exit(2);
  }
  const report = (d: 'c' | 's', p: string) => process.stdout.write(JSON.stringify({ t: Date.now(), d, p }) + '\n');
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const stub = net.connect(Number(stubPort), stubHost);
    stub.setNoDelay(true);
    const fromClient = new RspPacketScanner();
    const fromStub = new RspPacketScanner();
    client.on('data', (d: Buffer) => {
      for (const p of fromClient.feed(d)) report('c', p);
      stub.write(d);
    });
    stub.on('data', (d: Buffer) => {
      for (const p of fromStub.feed(d)) report('s', p);
      client.write(d);
    });
    const closeBoth = (why: unknown) => {
      if (why instanceof Error) process.stderr.write(`forward: ${why.message}\n`);
      client.destroy();
      stub.destroy();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    stub.on('close', closeBoth).on('error', closeBoth);
  });
  server.listen(Number(listenPort), listenHost, () => process.stdout.write('{"ready":true}\n'));
}

if (require.main === module) main();
