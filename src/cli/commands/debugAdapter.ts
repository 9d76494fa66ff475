// `outpost debug-adapter`: the Outpost debugger speaking DAP on stdin/stdout, for any DAP client.
import { createLogger } from '../../common/log';
import { runDebugAdapter } from '../../debug/stdioAdapter';
import { defineCommand } from '../command';

export default defineCommand({
  name: 'debug-adapter',
  summary: 'speak the Debug Adapter Protocol on stdin/stdout (GDB/MI underneath)',
  details:
    'Configurations take "gdbTarget": "HOST:PORT" to debug a GDB server you can reach directly (a local probe,\n' +
    'QEMU), "executable" (the ELF) and "request": "attach" (the device runs on) or "launch" (flash, reset, stop\n' +
    'at main). Logs go to stderr as JSON lines.',
  options: {
    'gdb-path': {
      type: 'string',
      value: 'FILE',
      description: 'GDB to use (default: $OUTPOST_GDB_PATH, PlatformIO toolchain, gdb-multiarch, arm-none-eabi-gdb)',
    },
  },
  async run({ options }, io) {
    runDebugAdapter({
      input: io.stdin,
      output: io.stdout,
      settingGdbPath: options['gdb-path'] ?? io.env.OUTPOST_GDB_PATH,
      logger: createLogger('debug-adapter', (line) => io.stderr.write(line + '\n')),
    });
    // The session exits the process after a disconnect; a client that just goes away ends it here.
    await new Promise<void>((resolve) => {
      io.stdin.once('end', resolve);
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  },
});
