// The contract between the agent and the hardware it fronts: a GDB stub, a UART, facts about the firmware.
import type { Socket } from 'node:net';
import type { EventEmitter } from 'node:events';

/** What the agent knows of the firmware the target runs (from the ELF, or from the device's banner). */
export interface FirmwareInfo {
  version?: string;
  buildId?: string;
  board?: string;
}

/**
 * The device's serial port as the agent sees it. Emits 'line' (string, without the line ending) for each
 * complete line the firmware prints and 'data' (Buffer) for raw bytes; write() types into the firmware.
 */
export interface Uart extends EventEmitter {
  write(data: string | Buffer): void;
}

/** One kind of target backend: `gdb://HOST:PORT`, `openocd:CFG` or `sim`. */
export interface Target {
  readonly kind: 'gdb' | 'openocd' | 'sim';
  /** Starts what the backend supervises (OpenOCD, QEMU) and resolves when the GDB stub accepts connections. */
  start(): Promise<void>;
  /** A fresh TCP connection to the target's GDB stub, with noDelay set. */
  connectGdb(): Promise<Socket>;
  /** The firmware's UART, when the backend has one (sim: always; gateways: when a serial port is configured). */
  readonly uart?: Uart;
  /** Firmware facts as currently known. */
  firmware(): FirmwareInfo;
  /** Signal strength of the link modem in dBm, when known (the sim makes a plausible, changing one). */
  rssi?(): number | undefined;
  /** Seconds since the firmware last booted, when the backend can tell (sim: since QEMU booted it or it reset). */
  uptimeSec?(): number | undefined;
  /**
   * Calls `listener` each time the firmware boots anew (a new image, a restart after a crash, a reset), so the
   * agent can report it at once rather than at its next look. Returns what unsubscribes.
   */
  onBoot?(listener: () => void): () => void;
  /** Stops what start() started; the target is left running where possible. */
  stop(): Promise<void>;
}
