// Installs images through any GDB server (OpenOCD, pyOCD, QEMU): gdb-multiarch batch `load`, `compare-sections`, reset.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'node:net';
import { silentLogger, type Logger } from '../../common/log';
import { OtaError } from '../../protocol/otaErrors';
import { flashImageToElf } from './flashElf';
import { openLocalGdbPort } from './gdbPort';
import type { FlashImage, ImageInstaller } from './imageInstaller';

/**
 * How the server halts and restarts the target. `openocd`: `monitor reset halt` … `monitor reset run` (OpenOCD,
 * pyOCD). `qemu`: QEMU's stub, whose `system_reset` would restore the `-kernel` image, so the target is reset
 * first, loaded, and started from the new vector table.
 */
export type ResetStyle = 'openocd' | 'qemu';

/** Options of a GdbInstaller. */
export interface GdbInstallerOptions {
  /** A fresh connection to the target's GDB stub (Target.connectGdb). */
  connect: () => Promise<Socket>;
  reset: ResetStyle;
  /** Where temporary ELF and dump files go (the agent's state directory). */
  workDir: string;
  /** Flash bytes read by snapshot(). */
  flashSize: number;
  gdbPath?: string;
  timeoutMs?: number;
  log?: Logger;
}

/** The byte an unwritten flash region reads as: 0xff for real flash, 0x00 for QEMU's RAM-backed "flash". */
export function erasedByte(reset: ResetStyle): number {
  return reset === 'qemu' ? 0x00 : 0xff;
}

/** An ImageInstaller that drives gdb-multiarch in batch mode against the target's GDB server. */
export class GdbInstaller implements ImageInstaller {
  constructor(private readonly opts: GdbInstallerOptions) {}

  async install(image: FlashImage): Promise<void> {
    const elf = path.join(this.opts.workDir, `.install-${randomBytes(4).toString('hex')}.elf`);
    fs.writeFileSync(elf, flashImageToElf(fs.readFileSync(image.file), image.loadAddress, { version: image.version }));
    const base = `0x${image.loadAddress.toString(16)}`;
    const [halt, start] =
      this.opts.reset === 'qemu'
        ? [['monitor system_reset'], [`set $sp = *(unsigned int *)${base}`, `set $pc = *(unsigned int *)(${base} + 4)`]]
        : [['monitor reset halt'], ['monitor reset run']];
    try {
      // In a sourced script the first error stops the rest: a failed load or verify never resets into a bad image.
      await this.runGdb([...halt, 'load', 'compare-sections', ...start, 'detach'], elf);
    } finally {
      fs.rmSync(elf, { force: true });
    }
  }

  async snapshot(loadAddress: number): Promise<Buffer | undefined> {
    const dump = path.join(this.opts.workDir, `.snapshot-${randomBytes(4).toString('hex')}.bin`);
    const end = `0x${(loadAddress + this.opts.flashSize).toString(16)}`;
    try {
      await this.runGdb([`dump binary memory ${dump} 0x${loadAddress.toString(16)} ${end}`, 'detach']);
      const bytes = fs.readFileSync(dump);
      const erased = erasedByte(this.opts.reset);
      let length = bytes.length;
      while (length > 0 && bytes[length - 1] === erased) length--;
      return length === 0 ? undefined : bytes.subarray(0, (length + 15) & ~15);
    } catch (err) {
      this.opts.log?.warn('could not read the running firmware', { error: (err as Error).message });
      return undefined;
    } finally {
      fs.rmSync(dump, { force: true });
    }
  }

  private async runGdb(commands: string[], elf?: string): Promise<void> {
    const log = this.opts.log ?? silentLogger;
    const port = await openLocalGdbPort(this.opts.connect);
    const script = path.join(this.opts.workDir, `.gdb-${randomBytes(4).toString('hex')}.gdb`);
    const lines = [
      'set pagination off',
      'set confirm off',
      'set remotetimeout 20',
      `target remote 127.0.0.1:${port.port}`,
      ...commands,
    ];
    fs.writeFileSync(script, lines.join('\n') + '\n');
    try {
      const { code, output } = await run(
        this.opts.gdbPath ?? 'gdb-multiarch',
        ['-nx', '--batch', '-x', script, ...(elf ? [elf] : [])],
        this.opts.timeoutMs ?? 180_000,
      );
      log.debug('gdb finished', { code, commands: commands.join('; ') });
      if (code !== 0) throw new OtaError('INSTALL_FAILED', summarize(output, code));
    } finally {
      fs.rmSync(script, { force: true });
      await port.close();
    }
  }
}

function summarize(output: string, code: number | null): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.filter((l) => /error|mis-?matched|not match|timed out|refused|failed|cannot/i.test(l));
  return `gdb exited with ${code ?? 'a signal'}: ${(telling.at(-1) ?? lines.at(-1) ?? 'no output').slice(0, 200)}`;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => {
      output += `\ngdb timed out after ${timeoutMs / 1000} s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new OtaError('INSTALL_FAILED', `cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
