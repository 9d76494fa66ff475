// The `gdb://HOST:PORT` target: any GDB server already running (OpenOCD, pyOCD, J-Link, probe-rs, st-util).
import type { Socket } from 'node:net';
import { silentLogger, type Logger } from '../../common/log';
import { readFirmwareInfo } from '../../platformio/firmwareInfo';
import type { FirmwareInfo, Target } from '../target';
import { firmwareFactsFromLine } from '../uart/banner';
import { SerialUart, type SerialPortOptions } from '../uart/serialPort';
import { connectGdbSocket } from './gdbConnect';

/** Options shared by the gateway targets (gdb://, openocd:). */
export interface GatewayTargetOptions {
  /** Serial device of the firmware's console, when wired (e.g. the ST-LINK virtual COM port). */
  readonly serial?: SerialPortOptions;
  /** ELF of the firmware the board runs, for version and build id before the device prints them. */
  readonly firmware?: string;
  /** Board name to report (default: what the firmware prints, else undefined). */
  readonly board?: string;
  readonly logger?: Logger;
}

/**
 * Fronts a GDB server the agent does not manage. start() opens the serial port (if any) but does not connect
 * to the server: with most probes a GDB connection halts the core, and a field device must keep running.
 * An unreachable server surfaces at connectGdb() as GDB_UNREACHABLE.
 */
export class GdbServerTarget implements Target {
  readonly kind = 'gdb' as const;
  readonly uart?: SerialUart;
  private info: FirmwareInfo = {};
  private readonly log: Logger;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly options: GatewayTargetOptions = {},
  ) {
    this.log = (options.logger ?? silentLogger).child('gdb-target');
    if (options.serial) this.uart = new SerialUart(options.serial);
    if (options.board) this.info.board = options.board;
  }

  async start(): Promise<void> {
    await startGateway(this.options, this.uart, (facts) => this.learn(facts));
    this.log.info('GDB server target ready', { host: this.host, port: this.port, serial: this.options.serial?.path });
  }

  connectGdb(): Promise<Socket> {
    return connectGdbSocket(this.host, this.port);
  }

  firmware(): FirmwareInfo {
    return { ...this.info };
  }

  async stop(): Promise<void> {
    this.uart?.close();
  }

  private learn(facts: FirmwareInfo): void {
    this.info = { ...this.info, ...facts, ...(this.options.board ? { board: this.options.board } : {}) };
  }
}

/** Reads the ELF facts, opens the serial port and keeps learning facts from what the firmware prints. */
export async function startGateway(
  options: GatewayTargetOptions,
  uart: SerialUart | undefined,
  learn: (facts: FirmwareInfo) => void,
): Promise<void> {
  if (options.firmware) learn(await readFirmwareInfo(options.firmware));
  if (uart) {
    uart.on('line', (line: string) => {
      const facts = firmwareFactsFromLine(line);
      if (facts) learn(facts);
    });
    await uart.open();
  }
}
