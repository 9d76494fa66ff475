// One simulated device in-process: the QEMU sim target with its agent, UART console/logs and OTA, like `outpost sim`.
import { Agent } from '../../agent/agent';
import { otaBootFirmware, serveOta } from '../../agent/otaServices';
import { SimTarget } from '../../agent/targets';
import { serveUart } from '../../agent/uartServices';
import type { Logger } from '../../common/log';
import type { Enrollment } from '../../protocol/auth';
import type { Identity } from '../../protocol/identity';

/** What a simulated device needs. */
export interface SimDeviceOptions {
  /** Relay URL, e.g. `ws://127.0.0.1:7600`. */
  relay: string;
  /** The device's own identity. */
  identity: Identity;
  /** The firmware ELF it boots when OTA has not installed a newer one. */
  firmware: string;
  /** The agent's state directory (OTA slots and staging); keep it across starts. */
  stateDir: string;
  /** Token and name to register the key with, used only when the relay does not know the key yet. */
  enroll?: Enrollment;
  /** Public keys whose firmware signatures OTA accepts. */
  trustedSigners: readonly string[];
  log: Logger;
  /** QEMU executable (default `qemu-system-arm` on PATH). */
  qemuBinary?: string;
}

/** A running simulated device. */
export interface SimDevice {
  readonly target: SimTarget;
  readonly agent: Agent;
  /** Resolves once the relay accepted the agent (at once when it already did). */
  whenConnected(): Promise<void>;
  /** Disconnects the agent and stops QEMU. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Boots QEMU on the firmware (or on the image OTA installed and confirmed earlier in `stateDir`) and connects its
 * agent. Rejects, with nothing left running, when QEMU cannot start (TargetError QEMU_MISSING names the package)
 * or the relay refuses the key for good; a relay that is merely unreachable is retried in the background.
 */
export async function startSimDevice(options: SimDeviceOptions): Promise<SimDevice> {
  const { log } = options;
  const target = new SimTarget({
    firmware: otaBootFirmware(options.stateDir) ?? options.firmware,
    logger: log.child('target'),
    qemuBinary: options.qemuBinary,
  });
  const agent = new Agent({ relay: options.relay, identity: options.identity, target, enroll: options.enroll, log });
  const uart = serveUart(agent, target);
  const ota = serveOta(agent, target, {
    stateDir: options.stateDir,
    trustedSigners: options.trustedSigners,
    log: log.child('ota'),
  });
  // A second Ctrl-C exits at once: QEMU must not outlive this process.
  const killQemu = (): void => {
    if (target.pid === undefined) return;
    try {
      process.kill(target.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  process.once('exit', killQemu);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      try {
        await agent.stop();
        await target.stop(); // when agent.start() failed, the agent never owned the target
      } finally {
        uart.dispose();
        ota.dispose();
        process.removeListener('exit', killQemu);
      }
    })());
  try {
    await agent.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return { target, agent, whenConnected: () => agent.whenConnected(), stop };
}
