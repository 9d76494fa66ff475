// A QEMU mps2-an505 (Cortex-M33) running a tiny counting loop, with its GDB stub and QMP: for tests of what a
// debugger leaves behind (halted cores, breakpoints), where the sample firmware's work would only be noise.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../../src/agent/targets/freePort';
import { QmpClient } from '../../../src/agent/targets/qmp';

const firmware = `
volatile unsigned counter;
void reset(void) { for (;;) counter++; }
__attribute__((section(".vectors"))) const void *vectors[] = { (void *)0x38200000, (void *)reset };
`;
const linkerScript = `
MEMORY { FLASH (rx) : ORIGIN = 0x10000000, LENGTH = 4M  RAM (rwx) : ORIGIN = 0x38000000, LENGTH = 2M }
SECTIONS { .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > FLASH  .bss : { *(.bss*) *(COMMON) } > RAM }
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The running QEMU. */
export interface CounterQemu {
  gdbPort: number;
  qmp: QmpClient;
  /** Set once QEMU exited (it should not, while a test runs). */
  readonly exited: string | undefined;
  /** Whether the core runs now (QMP query-status). */
  running(): Promise<boolean>;
  /** Polls for up to 5 s until the core is (or is not) running; resolves whether it got there. */
  waitRunning(want: boolean): Promise<boolean>;
  stop(): void;
}

/** Builds the loop firmware and starts QEMU on it, running, with a GDB stub on a free loopback port. */
export async function startCounterQemu(): Promise<CounterQemu> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-counter-qemu-'));
  writeFileSync(join(dir, 'fw.c'), firmware);
  writeFileSync(join(dir, 'link.ld'), linkerScript);
  execFileSync('arm-none-eabi-gcc', [
    ...['-mcpu=cortex-m33', '-mthumb', '-O0', '-ffreestanding', '-nostdlib', '-nostartfiles'],
    ...['-T', join(dir, 'link.ld'), join(dir, 'fw.c'), '-o', join(dir, 'fw.elf')],
  ]);
  const gdbPort = await freeLoopbackPort();
  const qmpPath = join(dir, 'qmp.sock');
  const qemu: ChildProcess = spawn(
    'qemu-system-arm',
    [
      ...['-M', 'mps2-an505', '-display', 'none', '-monitor', 'none', '-serial', 'null'],
      ...['-kernel', join(dir, 'fw.elf'), '-gdb', `tcp:127.0.0.1:${gdbPort}`],
      ...['-qmp', `unix:${qmpPath},server=on,wait=off`],
    ],
    { stdio: ['ignore', 'ignore', openSync(join(dir, 'qemu.log'), 'w')] },
  );
  let exited: string | undefined;
  qemu.on('exit', (code, signal) => (exited = `QEMU exited (${signal ?? code})`));
  for (let i = 0; i < 100 && !existsSync(qmpPath); i++) await sleep(50);
  const qmp = await QmpClient.connect(qmpPath);
  const running = async (): Promise<boolean> => ((await qmp.execute('query-status')) as { running: boolean }).running;
  return {
    gdbPort,
    qmp,
    get exited() {
      return exited;
    },
    running,
    async waitRunning(want) {
      for (let i = 0; i < 100; i++) {
        if ((await running()) === want) return true;
        await sleep(50);
      }
      return false;
    },
    stop() {
      qmp.close();
      qemu.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
