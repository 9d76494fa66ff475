// `outpost debug-adapter`: the Outpost debugger speaking DAP on stdin/stdout, for any DAP client.
import { createLogger } from '../../common/log';
import { runDebugAdapter } from '../../debug/stdioAdapter';
import { defineCommand } from '../command';
import { relayOptions } from '../session';

export default defineCommand({
  name: 'debug-adapter',
  summary: 'speak the Debug Adapter Protocol on stdin/stdout (GDB/MI underneath)',
  details:
    'Configurations take "device": NAME to debug a fleet device through the relay ("relay" and "identityFile"\n' +
    'in launch.json, else --relay/--key, $OUTPOST_RELAY/$OUTPOST_KEY, the config file), or "gdbTarget":\n' +
    '"HOST:PORT" for a GDB server you can reach directly (a local probe, QEMU); "executable" (the ELF) and\n' +
    '"request": "attach" (the device runs on) or "launch" (flash, reset, stop at main). Logs go to stderr as\n' +
    'JSON lines.',
  options: {
    'gdb-path': {
      type: 'string',
      value: 'FILE',
      description: 'GDB to use (default: $OUTPOST_GDB_PATH, PlatformIO toolchain, gdb-multiarch, arm-none-eabi-gdb)',
    },
    ...relayOptions,
  },
  async run({ options }, io) {
    runDebugAdapter({
      input: io.stdin,
      output: io.stdout,
      settingGdbPath: options['gdb-path'] ?? io.env.OUTPOST_GDB_PATH,
      relayDefaults: { relay: options.relay, key: options.key, env: io.env, cwd: io.cwd },
      logger: createLogger('debug-adapter', (line) => io.stderr.write(line + '\n')),
    });
    // The session exits the process after a disconnect; a client that just goes away ends it here.
    await new Promise<void>((resolve) => {
      io.stdin.once('end', resolve);
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  },
});
