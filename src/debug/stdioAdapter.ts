// Runs an Outpost debug session over a pair of streams (stdin/stdout for `outpost debug-adapter` and dist/debugAdapter.js).
import { createLogger, type Logger } from '../common/log';
import { directConnector } from './stub/directConnector';
import type { DeviceStubRequest, StubConnector } from './stub/stubConnector';
import { OutpostDebugSession } from './session/outpostSession';
import { relayDeviceConnector } from './tunnel/relayDeviceConnector';
import type { RelayDefaults } from './tunnel/relaySettings';

/** What the host of the stdio adapter can plug in. */
export interface StdioAdapterOptions {
  /**
   * Reaches fleet devices; default: the adapter's own relay link per session (relayDeviceConnector), with the
   * relay and key from launch.json `relay` / `identityFile`, then `relayDefaults`, OUTPOST_RELAY / OUTPOST_KEY
   * and ~/.config/outpost/config.json.
   */
  device?: StubConnector<DeviceStubRequest>;
  /** `--relay` / `--key` and the environment the default device connector resolves against. */
  relayDefaults?: RelayDefaults;
  /** The `outpost.gdbPath` setting or its CLI equivalent. */
  settingGdbPath?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Logs go to stderr as JSON lines (stdout carries DAP). */
  logger?: Logger;
}

/** Speaks DAP on the given streams (default stdin/stdout) until the client disconnects; the process then exits. */
export function runDebugAdapter(options: StdioAdapterOptions = {}): OutpostDebugSession {
  const logger = options.logger ?? createLogger('debug-adapter');
  const device = options.device ?? relayDeviceConnector({ ...options.relayDefaults, log: logger.child('relay') });
  const session = new OutpostDebugSession({
    connectors: { gdbTarget: directConnector, device },
    settingGdbPath: options.settingGdbPath,
    logger,
  });
  session.start(options.input ?? process.stdin, options.output ?? process.stdout);
  return session;
}
