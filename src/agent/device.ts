// One device, wired: a target, the agent that connects it to the relay, its UART (console, logs) and OTA services.
import type { Logger } from '../common/log';
import type { RelayError } from '../link/errors';
import type { Enrollment } from '../protocol/auth';
import type { Identity } from '../protocol/identity';
import { Agent } from './agent';
import { otaBootFirmware, serveOta, type OtaServices } from './otaServices';
import type { Target } from './target';
import { createTarget, parseTargetUri, SimTarget, type CreateTargetOptions, type SimTargetOptions } from './targets';
import { serveUart, type UartServices } from './uartServices';

/** What a device needs: the relay link, its identity, the target, and where OTA keeps its state. */
export interface DeviceOptions<T extends Target = Target> {
  /** Relay URL, e.g. `ws://127.0.0.1:7600`. */
  relay: string;
  identity: Identity;
  /** Started by start(); make a simulator with simTarget()/deviceTarget() so it boots what OTA confirmed. */
  target: T;
  /** Token (and name) to register the key with, used only when the relay does not know the key yet. */
  enroll?: Enrollment;
  /** Seconds of link silence before a PING (the agent's default when absent). */
  keepaliveSec?: number;
  /** OTA slots and staging; keep it across starts. */
  stateDir: string;
  /** Public keys whose firmware signatures OTA accepts (`--trust`). */
  trustedSigners: readonly string[];
  /** Operator keys allowed to open rsp and console (`--operator-key`); absent: whoever the relay lets through. */
  operatorKeys?: readonly string[];
  log: Logger;
  /** Called each time the relay accepts the agent, with the device name it knows it by. */
  onConnected?(name: string): void;
}

/**
 * A simulator for a device whose OTA state lives in `stateDir`: it boots the image OTA installed and confirmed
 * there, when there is one, so a restarted device keeps running its update instead of the firmware it began with.
 */
export function simTarget(stateDir: string, options: SimTargetOptions): SimTarget {
  return new SimTarget({ ...options, firmware: otaBootFirmware(stateDir) ?? options.firmware });
}

/**
 * The Target for a `--target` URI (see createTarget), a simulator booting what OTA confirmed in `stateDir` as
 * simTarget() does. Throws TargetError BAD_TARGET_URI for a URI it does not know.
 */
export function deviceTarget(uri: string, stateDir: string, options: CreateTargetOptions = {}): Target {
  const installed = parseTargetUri(uri).kind === 'sim' ? otaBootFirmware(stateDir) : undefined;
  return createTarget(installed ? 'sim' : uri, installed ? { ...options, firmware: installed } : options);
}

/**
 * A device: the agent with the `console`, `logs` and `ota` channels served for its target. start() boots the
 * target and connects; stop() disconnects and stops the target. Nothing keeps running once `stopped` settled.
 */
export class Device<T extends Target = Target> {
  readonly target: T;
  readonly agent: Agent;
  /**
   * Settles once the agent stopped: with undefined after stop() (or a start() that failed), with the RelayError
   * when another process took over this identity (REPLACED).
   */
  readonly stopped: Promise<RelayError | undefined>;
  private readonly uart: UartServices;
  private readonly ota: OtaServices;
  private stopping?: Promise<void>;
  private released = false;
  private settle!: (why: RelayError | undefined) => void;

  constructor(options: DeviceOptions<T>) {
    const { log, target } = options;
    this.target = target;
    this.agent = new Agent({
      relay: options.relay,
      identity: options.identity,
      target,
      enroll: options.enroll,
      keepaliveSec: options.keepaliveSec,
      operatorKeys: options.operatorKeys,
      stateDir: options.stateDir,
      log,
    });
    this.uart = serveUart(this.agent, target);
    this.ota = serveOta(this.agent, target, {
      stateDir: options.stateDir,
      trustedSigners: options.trustedSigners,
      log: log.child('ota'),
    });
    const { onConnected } = options;
    if (onConnected) this.agent.on('connected', (name: string) => onConnected(name));
    this.stopped = new Promise((resolve) => (this.settle = resolve));
    this.agent.once('stopped', (why?: RelayError) => {
      this.release();
      this.settle(why);
    });
  }

  /**
   * Boots the target and connects. Rejects, with nothing left running, when the target cannot start (TargetError,
   * e.g. QEMU_MISSING) or the relay refuses the key for good (RelayError); an unreachable relay is retried in the
   * background.
   */
  async start(): Promise<void> {
    try {
      await this.agent.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Resolves once the relay accepted the agent (at once when it already did). */
  whenConnected(): Promise<void> {
    return this.agent.whenConnected();
  }

  /** Disconnects the agent and stops the target. Idempotent; safe during start(). */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      try {
        await this.agent.stop();
        await this.target.stop(); // when agent.start() failed, the agent no longer owns the target
      } finally {
        this.release();
        this.settle(undefined);
      }
    })());
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.uart.dispose();
    this.ota.dispose();
  }
}

/** Creates and starts a Device (see Device.start for how it fails). */
export async function startDevice<T extends Target>(options: DeviceOptions<T>): Promise<Device<T>> {
  const device = new Device(options);
  await device.start();
  return device;
}

/** What a simulated device needs: a device's options, with the firmware it boots instead of a target. */
export interface SimDeviceOptions extends Omit<DeviceOptions, 'target'> {
  /** The firmware ELF it boots when OTA has not installed and confirmed a newer one in `stateDir`. */
  firmware: string;
  /** QEMU executable (default `qemu-system-arm` on PATH). */
  qemuBinary?: string;
}

/** A running simulated device (QEMU and its agent). */
export type SimDevice = Device<SimTarget>;

/** Starts a simulated device: simTarget() for its firmware and state, then startDevice(). */
export function startSimDevice(options: SimDeviceOptions): Promise<SimDevice> {
  const { firmware, qemuBinary, ...device } = options;
  const target = simTarget(options.stateDir, { firmware, qemuBinary, logger: options.log.child('target') });
  return startDevice({ ...device, target });
}
