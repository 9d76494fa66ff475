// `outpost tunnel DEVICE [--listen 127.0.0.1:3333]`: a local GDB server port whose sessions reach the device's stub.
import { isIP, type Socket } from 'node:net';
import { createLogger, type LogLevel } from '../../common/log';
import { remoteTimeoutAdvice } from '../../debug/session/linkPatience';
import { stubKindFor } from '../../debug/tunnel/deviceConnector';
import { openGdbTunnel, type GdbTunnelOptions } from '../../debug/tunnel/gdbTunnel';
import type { RspTunnel } from '../../debug/tunnel/rspTunnel';
import { defineCommand } from '../command';
import { deviceError, offlineDevice, unknownDevice } from '../deviceChannel';
import { CliError, usageError } from '../errors';
import { listDevices } from '../../link/deviceList';
import { OperatorLink } from '../operatorLink';
import { operatorConnector, relayOptions } from '../session';
import { parseListen } from '../values';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '::ffff:127.0.0.1';
}

/** `HOST:PORT` with IPv6 hosts in brackets. */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** openGdbTunnel with the listen failures users cause (port taken, address not here) as one line. */
async function listenTunnel(options: GdbTunnelOptions & { host: string; port: number }): Promise<RspTunnel> {
  try {
    return await openGdbTunnel(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = hostPort(options.host, options.port);
    if (code === 'EADDRINUSE') {
      throw new CliError(`cannot listen on ${where}: the port is in use; pick another with --listen 127.0.0.1:PORT`);
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
      throw new CliError(`cannot listen on ${where}: ${(err as Error).message}`);
    }
    throw err;
  }
}

export default defineCommand({
  name: 'tunnel',
  summary: "open a local GDB server port for a device's GDB stub (any GDB front end)",
  args: 'DEVICE',
  positionals: { min: 1, max: 1 },
  details:
    'Prints "gdb server listening on HOST:PORT"; then `target extended-remote HOST:PORT` in GDB. One GDB at a\n' +
    'time; each session is its own end-to-end encrypted rsp channel, and the device runs on when GDB leaves.\n' +
    'monitor reset halt / reset / halt / init are answered for stubs without them (the simulator’s QEMU).\n' +
    'Loopback only: anyone who can reach the port can debug the device (share it with ssh -L).\n' +
    'Recipes for gdb, cortex-debug and PlatformIO: docs/tunnel.md.',
  options: {
    ...relayOptions,
    listen: { type: 'string', value: 'HOST:PORT', description: 'where GDB connects (default 127.0.0.1:3333)' },
  },
  async run({ positionals, options }, io) {
    const device = positionals[0];
    const listen = parseListen('listen', options.listen ?? '127.0.0.1:3333');
    if (!isLoopback(listen.host)) {
      throw usageError(
        `--listen ${hostPort(listen.host, listen.port)}: the tunnel listens on loopback only (127.0.0.1 or ::1), ` +
          'since anyone who reaches the port can debug the device; share it with ssh -L',
      );
    }
    const link = new OperatorLink(operatorConnector(options, io));
    // Session details are for debugging the tunnel itself (OUTPOST_LOG_LEVEL=info); users get one-line notices.
    const level = (io.env.OUTPOST_LOG_LEVEL as LogLevel | undefined) ?? 'error';
    const log = createLogger('tunnel', (line) => io.stderr.write(line + '\n'), level);
    const notice = (line: string): boolean => io.stderr.write(`outpost: ${line}\n`);
    let tunnel: RspTunnel | undefined;
    /** The largest remotetimeout advised so far: said again only when a slower link needs more. */
    let advised = 0;
    try {
      const found = (await listDevices(await link.client())).find((d) => d.name === device);
      if (!found) throw unknownDevice(device);
      if (!found.online) throw offlineDevice(device);
      tunnel = await listenTunnel({
        host: listen.host,
        port: listen.port,
        log,
        kind: stubKindFor(found.board),
        open: async () => {
          try {
            const client = await link.client();
            // Opening the channel is a round trip to the device: the one measure of the link the tunnel has.
            const started = performance.now();
            const channel = await client.openChannel(device, 'rsp');
            const rttMs = Math.round(performance.now() - started);
            const seconds = remoteTimeoutAdvice(rttMs);
            if (seconds !== undefined && seconds > advised) {
              advised = seconds;
              notice(
                `link round trip ${rttMs} ms to ${device}: in GDB, \`set remotetimeout ${seconds}\` (its 2 s default ` +
                  'resends packets into a slow link and loses step with the device)',
              );
            }
            return channel;
          } catch (err) {
            throw deviceError(err, device, 'rsp');
          }
        },
        onRefused: (socket: Socket, reason: string) =>
          notice(
            `refused a GDB connection from ${hostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0)}: ${reason}`,
          ),
      });
      io.stdout.write(`gdb server listening on ${hostPort(tunnel.host, tunnel.port)}\n`);
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      await tunnel?.close();
      link.close();
    }
  },
});
