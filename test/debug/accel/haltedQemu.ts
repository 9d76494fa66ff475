// QEMU mps2-an505 started halted (-S) with instruction-counted time, so two instances run the same firmware alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freeLoopbackPort } from '../../../src/agent/targets/freePort';
import { SIM_MACHINE } from '../../../src/agent/targets/qemuArgs';

/**
 * Virtual time from the instruction count (2^3 ns per instruction) and, with sleep=off, a jump to the next timer
 * deadline when the core idles (WFI): no host clock reaches the guest, so SysTick, the sensor's readings and every
 * register depend only on what the core executed. A debugger halt stops the virtual clock.
 */
export const DETERMINISTIC_TIME = ['-icount', 'shift=3,sleep=off'];

const live = new Set<ChildProcess>();
// A run that dies half way must not leave emulators behind.
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

/** One QEMU, halted at the reset vector until a debugger continues it; its GDB stub on a loopback port. */
export interface HaltedQemu {
  readonly gdbPort: number;
  /** `127.0.0.1:PORT`, as launch.json's `gdbTarget` and the agent's `gdb://` take it. */
  readonly address: string;
  stop(): Promise<void>;
}

/** Starts QEMU on `elf`, halted, and resolves once its GDB stub accepts connections. */
export async function startHaltedQemu(elf: string): Promise<HaltedQemu> {
  // The free port may be taken again before QEMU binds it (other suites run in parallel): try a few.
  for (let attempt = 1; ; attempt++) {
    const gdbPort = await freeLoopbackPort();
    const child = spawn(
      'qemu-system-arm',
      [
        ...['-M', SIM_MACHINE, '-display', 'none', '-monitor', 'none', '-serial', 'null'],
        ...DETERMINISTIC_TIME,
        ...['-kernel', elf, '-S', '-gdb', `tcp:127.0.0.1:${gdbPort}`],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    live.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        resolve();
      }),
    );
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    if (await stubListens(gdbPort, exited)) return { gdbPort, address: `127.0.0.1:${gdbPort}`, stop };
    await stop();
    if (attempt >= 3) throw new Error(`qemu-system-arm did not open its GDB stub on port ${gdbPort}: ${stderr.trim()}`);
  }
}

/** Polls until the stub accepts a connection (closed at once: QEMU then waits for the next one, still halted). */
async function stubListens(port: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 100 && !gone; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
