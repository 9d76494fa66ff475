// Fails early, before anything is built or started, when the port the demo should serve on is taken.
import net from 'node:net';
import { CliError } from '../errors';

/** Resolves when 127.0.0.1:`port` can be listened on (port 0 always can); else a CliError naming the port. */
export async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new CliError(`port ${port} on 127.0.0.1 is already in use; pick another with --port`));
      else if (err.code === 'EACCES')
        reject(new CliError(`no permission to listen on port ${port}; pick one above 1023 with --port`));
      else reject(err);
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
