// Runs an Outpost debug session over a pair of streams (stdin/stdout for `outpost debug-adapter` and dist/debugAdapter.js).
import { createLogger, type Logger } from '../common/log';
import { directConnector } from './stub/directConnector';
import type { DeviceStubRequest, StubConnector } from './stub/stubConnector';
import { OutpostDebugSession } from './session/outpostSession';

/** What the host of the stdio adapter can plug in. */
export interface StdioAdapterOptions {
  /** Reaches fleet devices through the relay; without it, `device` configurations fail with one clear message. */
  device?: StubConnector<DeviceStubRequest>;
  /** The `outpost.gdbPath` setting or its CLI equivalent. */
  settingGdbPath?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Logs go to stderr as JSON lines (stdout carries DAP). */
  logger?: Logger;
}

/** Speaks DAP on the given streams (default stdin/stdout) until the client disconnects; the process then exits. */
export function runDebugAdapter(options: StdioAdapterOptions = {}): OutpostDebugSession {
  const session = new OutpostDebugSession({
    connectors: { gdbTarget: directConnector, device: options.device },
    settingGdbPath: options.settingGdbPath,
    logger: options.logger ?? createLogger('debug-adapter'),
  });
  session.start(options.input ?? process.stdin, options.output ?? process.stdout);
  return session;
}
