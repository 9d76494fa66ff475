// A Uart on a serial device (/dev/ttyACM0: the ST-LINK virtual COM port) for agents on a gateway next to a board.
import { execFile } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { isatty, ReadStream } from 'node:tty';
import { TargetError } from '../targets/errors';
import { StreamUart } from './streamUart';

/** Serial settings. */
export interface SerialPortOptions {
  /** Device path, e.g. /dev/ttyACM0 or /dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_…-if02. */
  readonly path: string;
  /** Baud rate (default 115200). */
  readonly baud?: number;
}

/** stty arguments for raw 8N1 without flow control: bytes pass untouched both ways. */
export function sttyArgs(path: string, baud: number): string[] {
  return [
    '-F',
    path,
    String(baud),
    'raw',
    '-echo',
    'cs8',
    '-cstopb',
    '-parenb',
    '-crtscts',
    '-ixon',
    '-ixoff',
    'clocal',
  ];
}

/** A serial port as a Uart. open() configures the line with stty and starts reading; close() releases it. */
export class SerialUart extends StreamUart {
  private socket?: Socket;

  constructor(private readonly options: SerialPortOptions) {
    super();
  }

  /** Configures and opens the device. Throws SERIAL_PORT with the device path and the reason. */
  async open(): Promise<void> {
    const { path } = this.options;
    const baud = this.options.baud ?? 115200;
    await new Promise<void>((resolve, reject) => {
      execFile('stty', sttyArgs(path, baud), (err, _stdout, stderr) => {
        if (!err) return resolve();
        const why = stderr.trim().split('\n').pop() || err.message;
        reject(new TargetError('SERIAL_PORT', `cannot configure serial port ${path}: ${why}`));
      });
    });
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const hint = e.code === 'EACCES' ? ' (add the agent user to the dialout group)' : '';
      throw new TargetError('SERIAL_PORT', `cannot open serial port ${path}: ${e.code ?? e.message}${hint}`);
    }
    if (!isatty(fd)) {
      closeSync(fd);
      throw new TargetError('SERIAL_PORT', `${path} is not a serial device (tty)`);
    }
    // libuv's tty handle: non-blocking reads (no thread parked in read()), and it takes writes like any stream.
    const socket: Socket = new ReadStream(fd);
    socket.on('error', (err) => this.emit('port-error', err));
    this.socket = socket;
    this.attach(socket, socket);
  }

  /** Stops reading and closes the device. */
  close(): void {
    this.detach();
    this.socket?.destroy();
    this.socket = undefined;
  }
}
