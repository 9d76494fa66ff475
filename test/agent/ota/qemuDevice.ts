// Test harness: the example firmware in real QEMU mps2-an505, its GDB stub and UART on unix sockets (no ports).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Uart } from '../../../src/agent/target';

/** A running QEMU with the firmware's UART split into lines. */
export interface QemuDevice {
  uart: Uart;
  /** Every UART line so far. */
  lines: string[];
  connectGdb(): Promise<net.Socket>;
  /** Runs a console command through the firmware's framed request protocol and resolves its output. */
  exec(command: string): Promise<string>;
  /** Resolves with the first line matching `pattern` from line index `from` on (default: lines still to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  stop(): Promise<void>;
}

class LineUart extends EventEmitter implements Uart {
  constructor(private readonly socket: net.Socket) {
    super();
  }
  write(data: string | Buffer): void {
    this.socket.write(data);
  }
}

async function connectUnix(file: string, deadline: number): Promise<net.Socket> {
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(file, () => resolve(s));
        s.once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts QEMU on `elf` in `dir`; QEMU waits until the UART socket is connected, so no line is lost. */
export async function startQemuDevice(elf: string, dir: string): Promise<QemuDevice> {
  const uartSock = path.join(dir, 'uart.sock');
  const gdbSock = path.join(dir, 'gdb.sock');
  for (const f of [uartSock, gdbSock]) fs.rmSync(f, { force: true });
  const qemu: ChildProcess = spawn(
    'qemu-system-arm',
    [
      '-M',
      'mps2-an505',
      '-display',
      'none',
      '-monitor',
      'none',
      '-kernel',
      elf,
      '-chardev',
      `socket,id=uart,path=${uartSock},server=on,wait=on`,
      '-serial',
      'chardev:uart',
      '-gdb',
      `unix:${gdbSock},server=on,wait=off`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  qemu.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => qemu.once('exit', () => resolve()));
  let socket: net.Socket;
  try {
    socket = await connectUnix(uartSock, Date.now() + 10_000);
  } catch (err) {
    qemu.kill('SIGKILL');
    throw new Error(`QEMU did not start: ${stderr || (err as Error).message}`);
  }
  const uart = new LineUart(socket);
  const lines: string[] = [];
  let partial = '';
  socket.on('data', (d: Buffer) => {
    uart.emit('data', d);
    partial += d.toString('latin1');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\r/g, '');
      lines.push(line);
      uart.emit('line', line);
    }
  });
  socket.on('error', () => undefined);
  let tag = 0;
  const waitForLine = (pattern: RegExp, timeoutMs = 15_000, from = lines.length) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.slice(from).find((l) => pattern.test(l));
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(() => {
        uart.off('line', on);
        reject(
          new Error(`no UART line matched ${pattern} in ${timeoutMs} ms; last lines: ${lines.slice(-5).join(' | ')}`),
        );
      }, timeoutMs);
      const on = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        uart.off('line', on);
        resolve(line);
      };
      uart.on('line', on);
    });
  return {
    uart,
    lines,
    waitForLine,
    connectGdb: () => connectUnix(gdbSock, Date.now() + 5000),
    async exec(command) {
      const t = `t${++tag}`;
      const out: string[] = [];
      const collect = (line: string) => {
        if (line.startsWith(`@${t} `) && !line.startsWith(`@${t} #end`)) out.push(line.slice(t.length + 2));
      };
      uart.on('line', collect);
      const end = waitForLine(new RegExp(`^@${t} #end`), 5000);
      socket.write(`\x01@${t} ${command}\n`);
      try {
        await end;
      } finally {
        uart.off('line', collect);
      }
      return out.join('\n');
    },
    async stop() {
      socket.destroy();
      qemu.kill('SIGKILL');
      await exited;
    },
  };
}
