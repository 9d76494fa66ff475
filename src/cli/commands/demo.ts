// `outpost demo`: a relay, a simulated fleet and VS Code with Outpost and the sample project, until Ctrl-C.
import path from 'node:path';
import { defineCommand } from '../command';
import { usageError } from '../errors';
import { MAX_DEMO_DEVICES } from '../demo/demoFleet';
import { findDesktopCode } from '../demo/desktopCode';
import { startDemo } from '../demo/runDemo';
import { parsePositiveInt } from '../values';

/** The workbench port when --port is not given. */
export const DEFAULT_DEMO_PORT = 7680;

export default defineCommand({
  name: 'demo',
  summary: 'relay + simulated fleet + VS Code with the extension and the sample project, in one command',
  details:
    'Builds the sample firmware, starts an embedded relay, N simulated STM32U5 devices on QEMU (sensor-01 in\n' +
    'ring=canary, the rest in ring=main) and code-server with the Outpost extension, connected to the relay.\n' +
    'Prints "demo ready at http://127.0.0.1:PORT/" when a browser can open it; Ctrl-C stops everything.\n' +
    'When a desktop VS Code launcher (code, code-insiders or codium) is on PATH, the extension is installed\n' +
    'there too and the sample project opens in a new window (--no-desktop skips it).\n' +
    'The data directory holds demo.json with the relay URL and the operator key for the CLI.',
  options: {
    port: {
      type: 'string',
      value: 'P',
      description: `workbench port on 127.0.0.1 (default ${DEFAULT_DEMO_PORT}; 0: any)`,
    },
    devices: { type: 'string', value: 'N', description: `simulated devices, 1 to ${MAX_DEMO_DEVICES} (default 3)` },
    data: { type: 'string', value: 'DIR', description: 'data directory kept across runs (default: temporary)' },
    'no-desktop': {
      type: 'boolean',
      description: 'do not also install the extension into the desktop VS Code (`code` on PATH) and open the project',
    },
  },
  async run({ options }, io) {
    const port = options.port === undefined ? DEFAULT_DEMO_PORT : Number(options.port);
    if (!/^\d+$/.test(options.port ?? '0') || port > 65535) {
      throw usageError(`bad --port "${options.port}": use a number from 0 to 65535`);
    }
    const devices = options.devices === undefined ? 3 : parsePositiveInt('devices', options.devices);
    if (devices > MAX_DEMO_DEVICES)
      throw usageError(`bad --devices "${devices}": at most ${MAX_DEMO_DEVICES} (each is a QEMU process)`);
    const progress = (line: string): void => void io.stderr.write(`demo: ${line}\n`);
    const demo = await startDemo({
      port,
      devices,
      dataDir: options.data && path.resolve(io.cwd, options.data),
      signal: io.signal,
      progress,
      stderr: io.stderr,
      desktopCode: options['no-desktop'] ? undefined : findDesktopCode(io.env),
    });
    if (!demo) {
      progress('stopped');
      return;
    }
    io.stdout.write(`relay ${demo.relay}\n`);
    io.stdout.write(`operator key ${demo.layout.operatorKey}\n`);
    io.stdout.write(`demo ready at ${demo.url}\n`);
    progress(
      'open the address in a browser; the Fleet view is in the Outpost activity-bar entry. Ctrl-C stops the demo',
    );
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    progress('stopping (code-server, devices, relay)');
    await demo.stop();
    progress('stopped');
  },
});
