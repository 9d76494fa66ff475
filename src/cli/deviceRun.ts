// Runs a device agent with its UART and OTA services until Ctrl-C or a takeover: shared by `outpost agent` and `outpost sim`.
import { Agent } from '../agent/agent';
import { serveOta } from '../agent/otaServices';
import type { Target } from '../agent/target';
import { serveUart } from '../agent/uartServices';
import type { Logger } from '../common/log';
import type { RelayError } from '../link/errors';
import type { Enrollment } from '../protocol/auth';
import type { Identity } from '../protocol/identity';
import type { CliIo } from './command';
import { CliError } from './errors';

/** What a device process runs: the relay link, its identity, the target, and where OTA keeps its state. */
export interface DeviceRunOptions {
  relay: string;
  identity: Identity;
  target: Target;
  enroll?: Enrollment;
  keepaliveSec?: number;
  /** OTA slots and staging. */
  stateDir: string;
  /** `--trust` keys: firmware signatures OTA accepts. */
  trustedSigners: readonly string[];
  log: Logger;
  /** Called each time the relay accepts the agent, with the device name it knows it by. */
  onConnected(name: string): void;
}

/**
 * Starts the target and the agent (UART console/logs and OTA served), and resolves once stopped by io.signal.
 * Rejects with the agent's RelayError when the relay refuses it for good on the first attempt, and with a
 * CliError when another process takes over the identity later. Nothing keeps running after it settles.
 */
export async function runDevice(options: DeviceRunOptions, io: CliIo): Promise<void> {
  const { log, target } = options;
  const agent = new Agent({
    relay: options.relay,
    identity: options.identity,
    target,
    enroll: options.enroll,
    keepaliveSec: options.keepaliveSec,
    log,
  });
  const uart = serveUart(agent, target);
  const ota = serveOta(agent, target, {
    stateDir: options.stateDir,
    trustedSigners: options.trustedSigners,
    log: log.child('ota'),
  });
  agent.on('connected', (name: string) => options.onConnected(name));
  let stoppedBy: RelayError | undefined;
  const stopped = new Promise<void>((resolve) =>
    agent.once('stopped', (why?: RelayError) => {
      stoppedBy = why;
      resolve();
    }),
  );
  const onAbort = (): void => void agent.stop();
  io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await agent.start();
    if (io.signal.aborted) await agent.stop();
    await stopped;
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    uart.dispose();
    ota.dispose();
  }
  if (stoppedBy) throw new CliError(`agent stopped: ${stoppedBy.message}`);
}
