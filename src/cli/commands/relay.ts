// `outpost relay`: runs the relay in the foreground until SIGINT/SIGTERM; JSON logs on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../common/log';
import { startRelay } from '../../relay';
import { defineCommand } from '../command';
import { CliError, usageError } from '../errors';
import { parseDuration, parseListen } from '../values';

function readPem(option: string, file: string, cwd: string): Buffer {
  try {
    return fs.readFileSync(path.resolve(cwd, file));
  } catch (err) {
    throw new CliError(
      `cannot read --${option} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export default defineCommand({
  name: 'relay',
  summary: 'run the relay (WebSocket server with an SQLite registry)',
  details:
    'Prints "relay listening on ws://HOST:PORT" once ready. On first start it writes an admin identity to\n' +
    'DIR/admin.key; use it with --key for the operator commands. Stop with Ctrl-C (peers get RELAY_SHUTDOWN).',
  options: {
    listen: { type: 'string', value: 'HOST:PORT', description: 'address to listen on (default 127.0.0.1:7600)' },
    data: { type: 'string', value: 'DIR', description: 'data directory (default ./.outpost/relay)' },
    'tls-cert': { type: 'string', value: 'FILE', description: 'PEM certificate chain: serve wss:// directly' },
    'tls-key': { type: 'string', value: 'FILE', description: 'PEM private key for --tls-cert' },
    heartbeat: {
      type: 'string',
      value: 'DURATION',
      description: 'liveness tick (default 30s): pings operators; devices keep to the keepalive they declare',
    },
    'trust-proxy': { type: 'boolean', description: 'rate-limit by X-Forwarded-For (only behind your own proxy)' },
  },
  async run({ options }, io) {
    const listen = parseListen('listen', options.listen ?? '127.0.0.1:7600');
    const dataDir = path.resolve(io.cwd, options.data ?? path.join('.outpost', 'relay'));
    if (!options['tls-cert'] !== !options['tls-key']) throw usageError('--tls-cert and --tls-key go together');
    const tls =
      options['tls-cert'] && options['tls-key']
        ? {
            cert: readPem('tls-cert', options['tls-cert'], io.cwd),
            key: readPem('tls-key', options['tls-key'], io.cwd),
          }
        : undefined;
    const heartbeatMs = options.heartbeat ? parseDuration('heartbeat', options.heartbeat) * 1000 : undefined;
    const log = createLogger('relay', (line) => io.stderr.write(line + '\n'));
    let relay;
    try {
      relay = await startRelay({ listen, dataDir, tls, log, heartbeatMs, trustProxy: options['trust-proxy'] });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new CliError(`${listen.host}:${listen.port} is already in use: pick another --listen`);
      if (code === 'EACCES') throw new CliError(`no permission to listen on ${listen.host}:${listen.port}`);
      if (code === 'EADDRNOTAVAIL') throw new CliError(`${listen.host} is not an address of this machine`);
      if (err instanceof Error && /PEM|certificate|key/i.test(err.message) && tls) {
        throw new CliError(`TLS certificate or key unusable: ${err.message.split('\n')[0]}`);
      }
      throw err;
    }
    if (relay.adminCreated) {
      io.stdout.write(`wrote admin identity to ${relay.adminKeyFile} (use it with --key; keep it secret)\n`);
    }
    io.stdout.write(`relay listening on ${relay.url}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await relay.close();
  },
});
