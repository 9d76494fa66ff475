// The sim target for real: QEMU mps2-an505 running the sample firmware, its UART, and gdb-multiarch on its stub.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { TargetError } from '../../src/agent/targets/errors';
import { connectGdbSocket } from '../../src/agent/targets/gdbConnect';
import { SimTarget } from '../../src/agent/targets/sim';
import { execCommand } from '../../src/agent/uart/execClient';
import { readFirmwareInfo } from '../../src/platformio/firmwareInfo';
import { FirmwareError } from '../../src/platformio/firmwareErrors';
import { buildSimFirmware, type SimBuildResult } from '../../src/platformio/simBuild';
import { sampleProjectDir } from '../../src/platformio/sampleProject';
import { processes, processRow, waitUntilGone } from '../helpers/processes';
import { sampleFirmware } from './helpers/firmware';
import { runGdb } from './helpers/gdb';
import { RspClient } from './rspClient';
import { collectLines, waitForLine } from './helpers/uartLines';

const READING = /^I: reading #(\d+) t=(\d+) /;

function readingTimes(lines: string[]): number[] {
  return lines.map((l) => Number(READING.exec(l)![2]));
}

// Connects as GDB does (multiprocess offered); QEMU's stop reply for the halt on connect may come first.
async function negotiate(socket: Duplex): Promise<{ rsp: RspClient; supported: string }> {
  const rsp = new RspClient(socket);
  let supported = await rsp.requestRetrying('qSupported:multiprocess+;swbreak+');
  if (supported.startsWith('T')) supported = await rsp.next();
  return { rsp, supported };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('sim target (QEMU mps2-an505)', function () {
  let fw: SimBuildResult;
  let work: string;
  const started: SimTarget[] = [];

  // Starts a simulator and resolves once the firmware said it is ready.
  async function boot(elf = fw.elf): Promise<SimTarget> {
    const sim = new SimTarget({ firmware: elf });
    started.push(sim);
    const ready = waitForLine(sim.uart, /\bready\b/);
    await sim.start();
    await ready;
    return sim;
  }

  before(async () => {
    fw = await sampleFirmware();
    work = mkdtempSync(join(tmpdir(), 'outpost-sim-itest-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('boots the firmware, which prints a line saying ready', async () => {
    const sim = new SimTarget({ firmware: fw.elf });
    started.push(sim);
    const lines: string[] = [];
    sim.uart.on('line', (l: string) => lines.push(l));
    const ready = waitForLine(sim.uart, /\bready\b/i);
    await sim.start();
    assert.match(await ready, /^I: u5-sensor 1\.0\.0 ready/);
    assert.ok(lines.some((l) => l.startsWith('I: boot: u5-sensor 1.0.0 build')));
    assert.equal(typeof sim.gdbPort, 'number');
  });

  it('answers `version` on the UART with the version and build id in the ELF', async () => {
    const sim = await boot();
    const elf = await readFirmwareInfo(fw.elf);
    const { output, exitCode } = await execCommand(sim.uart, 'version');
    assert.equal(exitCode, 0);
    assert.match(output, new RegExp(`^version ${elf.version!.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(output, new RegExp(`^build-id ${elf.buildId}$`, 'm'));
    assert.match(output, /^board stm32u5-sim$/m);
    assert.deepEqual(sim.firmware(), { version: elf.version, buildId: elf.buildId, board: 'stm32u5-sim' });
  });

  it('reports exit codes of failing commands', async () => {
    const sim = await boot();
    assert.equal((await execCommand(sim.uart, 'set interval_ms 5')).exitCode, 1);
    assert.equal((await execCommand(sim.uart, 'set interval_ms')).exitCode, 2);
    const unknown = await execCommand(sim.uart, 'frobnicate');
    assert.equal(unknown.exitCode, 127);
    assert.match(unknown.output, /unknown command 'frobnicate'/);
  });

  it('lets gdb-multiarch break in a firmware function, then detach with the firmware still running', async () => {
    const sim = await boot();
    const out = await runGdb(fw.elf, sim.gdbPort!, ['break sum_readings', 'continue', 'bt', 'delete', 'detach']);
    assert.match(out, /Breakpoint 1, sum_readings \(/);
    assert.match(out, /#\d+ .*sensor_average/);
    assert.match(out, /\[Inferior 1 \(process \d+\) detached\]/);
    // Still sampling after the debugger left.
    const after = await collectLines(sim.uart, READING, 2);
    assert.equal(after.length, 2);
  });

  it('resumes a core that a vanished debugger left halted at a breakpoint, and removes that breakpoint', async () => {
    const sim = await boot();
    const nm = await new Promise<string>((resolve, reject) =>
      execFile('arm-none-eabi-nm', [fw.elf], (err, out) => (err ? reject(err) : resolve(out))),
    );
    const addr = Number.parseInt(/^([0-9a-f]+) [tT] sum_readings$/m.exec(nm)![1], 16) & ~1;
    const socket = await sim.connectGdb();
    // As GDB does: multiprocess negotiated (QEMU then refuses a plain D), a breakpoint, continue until it hits.
    const { rsp, supported } = await negotiate(socket);
    assert.match(supported, /multiprocess\+/);
    assert.equal(await rsp.request(`Z0,${addr.toString(16)},2`), 'OK');
    assert.match(await rsp.request('c'), /^T05/);
    socket.destroy(); // the debugger vanishes: no detach, the breakpoint still in QEMU
    // Readings go on: sum_readings runs for every one, so a breakpoint left behind would halt the core again.
    const after = await collectLines(sim.uart, READING, 3, 20_000);
    assert.equal(after.length, 3);
  });

  it('resumes a core that halts on a leftover breakpoint just after the debugger vanished while it ran', async () => {
    const sim = await boot();
    const nm = await new Promise<string>((resolve, reject) =>
      execFile('arm-none-eabi-nm', [fw.elf], (err, out) => (err ? reject(err) : resolve(out))),
    );
    const addr = Number.parseInt(/^([0-9a-f]+) [tT] sum_readings$/m.exec(nm)![1], 16) & ~1;
    const socket = await sim.connectGdb();
    const { rsp } = await negotiate(socket);
    assert.equal(await rsp.request(`Z0,${addr.toString(16)},2`), 'OK');
    rsp.send('$c#63'); // running, breakpoint inserted; the next reading halts the core
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy(); // vanishes while the core runs: the check at close sees it running, then it halts
    const after = await collectLines(sim.uart, READING, 3, 20_000);
    assert.equal(after.length, 3);
  });

  it('resumes a core that a debugger attached straight to the stub left halted, long after it left', async () => {
    const sim = await boot();
    // A GDB on the gateway, attached to the stub's port (not through the agent), that stops the core and vanishes.
    const socket = await connectGdbSocket('127.0.0.1', sim.gdbPort!);
    const { rsp } = await negotiate(socket);
    assert.match(await rsp.request('?'), /^T/);
    socket.destroy();
    const after = await collectLines(sim.uart, READING, 2, 20_000);
    assert.equal(after.length, 2);
  });

  it('leaves a core halted while a debugger is attached, however long', async () => {
    const sim = await boot();
    const socket = await connectGdbSocket('127.0.0.1', sim.gdbPort!);
    const { rsp } = await negotiate(socket);
    // Longer than two looks of the watch: no reading means the core stayed halted under the debugger.
    await assert.rejects(collectLines(sim.uart, READING, 1, 5_000), /only 0 of 1 lines/);
    assert.match(await rsp.request('?'), /^T/);
    assert.equal(await rsp.request('D;1'), 'OK');
    socket.destroy();
    assert.equal((await collectLines(sim.uart, READING, 1, 20_000)).length, 1);
  });

  it('changes the log rate with `set interval_ms`', async () => {
    const sim = await boot();
    const before = readingTimes(await collectLines(sim.uart, READING, 3));
    const set = await execCommand(sim.uart, 'set interval_ms 200');
    assert.deepEqual(set, { output: 'interval_ms 200\n', exitCode: 0 });
    const afterSet = readingTimes(await collectLines(sim.uart, READING, 8)).slice(1);
    const deltas = (ts: number[]): number[] => ts.slice(1).map((t, i) => t - ts[i]!);
    // Timestamps are the firmware's own tick counter: the cadence it runs at, not how fast the host is.
    assert.ok(Math.abs(median(deltas(before)) - 1000) <= 50, `before: ${deltas(before).join(',')}`);
    assert.ok(Math.abs(median(deltas(afterSet)) - 200) <= 20, `after: ${deltas(afterSet).join(',')}`);
    assert.equal((await execCommand(sim.uart, 'get interval_ms')).output, 'interval_ms 200\n');
  });

  it('takes a HardFault on `fault`, which gdb sees with the core in the HardFault handler', async () => {
    const sim = await boot();
    const logged = waitForLine(sim.uart, /^E: HardFault: undefined instruction at pc=0x[0-9a-f]{8}/);
    assert.equal((await execCommand(sim.uart, 'fault')).exitCode, 0);
    await logged;
    const out = await runGdb(fw.elf, sim.gdbPort!, [
      'printf "IPSR=%d\\n", $xpsr & 0x1ff',
      'printf "CFSR=0x%08x\\n", g_last_fault.cfsr',
      'bt',
      'detach',
    ]);
    assert.match(out, /IPSR=3\b/, out); // exception number 3 = HardFault
    assert.match(out, /CFSR=0x00010000/, out); // UsageFault UNDEFINSTR, escalated
    assert.match(out, /hard_fault_report/, out);
    // A reset (what a watchdog would do) brings the device back.
    const again = waitForLine(sim.uart, /\bready\b/);
    await sim.reset();
    await again;
  });

  it('installs a new image: the next boot runs it and says so', async () => {
    const sim = await boot();
    const v2 = await buildSimFirmware({ projectDir: sampleProjectDir(), outDir: join(work, 'v2'), version: '2.0.0' });
    const ready = waitForLine(sim.uart, /u5-sensor 2\.0\.0 ready/);
    const info = await sim.installImage(v2.elf);
    assert.deepEqual(info, { version: '2.0.0', buildId: v2.buildId, board: 'stm32u5-sim' });
    await ready;
    const { output } = await execCommand(sim.uart, 'version');
    assert.match(output, new RegExp(`^build-id ${v2.buildId}$`, 'm'));
  });

  it('refuses to install a file that is not an ARM ELF and keeps running the current image', async () => {
    const sim = await boot();
    const junk = join(work, 'junk.bin');
    writeFileSync(junk, Buffer.alloc(4096, 0xff));
    await assert.rejects(
      sim.installImage(junk),
      (err: unknown) => err instanceof FirmwareError && err.code === 'NOT_ELF',
    );
    assert.equal((await execCommand(sim.uart, 'version')).exitCode, 0);
    assert.equal(sim.firmware().buildId, fw.buildId);
  });

  it('restarts QEMU when it dies, keeping the same GDB port and UART', async () => {
    const sim = await boot();
    const port = sim.gdbPort;
    const restarted = new Promise((resolve) => sim.once('restarted', resolve));
    const ready = waitForLine(sim.uart, /\bready\b/);
    process.kill(sim.pid!, 'SIGKILL');
    await restarted;
    await ready;
    assert.equal(sim.gdbPort, port);
    assert.equal((await execCommand(sim.uart, 'version')).exitCode, 0);
  });

  it('gives plausible, changing signal strength', async () => {
    const sim = await boot();
    const values = Array.from({ length: 50 }, () => sim.rssi());
    assert.ok(values.every((v) => v >= -113 && v <= -51));
    assert.ok(new Set(values).size > 1);
  });

  describe('process supervision', () => {
    // Live QEMU processes running this ELF (a copy with its own name tells a test's QEMU from others').
    const qemuRunning = (elf: string): number[] =>
      processes()
        .filter((p) => !p.zombie && p.cmd.startsWith('qemu-system-arm') && p.cmd.includes(elf))
        .map((p) => p.pid);

    it("runs QEMU in a process group of its own: a terminal's Ctrl-C reaches only its supervisor", async () => {
      const sim = await boot();
      const qemu = processRow(sim.pid!);
      assert.ok(qemu, 'QEMU runs');
      assert.equal(qemu.pgid, sim.pid, 'QEMU leads its own process group');
      assert.notEqual(qemu.pgid, processRow(process.pid)!.pgid);
    });

    it('leaves no QEMU behind when stopped while starting', async () => {
      const elf = join(work, 'stopped-while-starting.elf');
      copyFileSync(fw.elf, elf);
      const sim = new SimTarget({ firmware: elf });
      started.push(sim);
      const starting = sim.start().catch((err: unknown) => err);
      await sim.stop();
      await starting;
      assert.deepEqual(qemuRunning(elf), []);
      assert.equal(sim.pid, undefined);
    });

    it('kills QEMU when the process that started it exits without stopping it', async () => {
      const elf = join(work, 'unstopped.elf');
      copyFileSync(fw.elf, elf);
      const fixture = join(__dirname, 'fixtures', 'unstoppedSim.ts');
      const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', fixture, elf], { timeout: 60_000 }, (err, out) =>
          err ? reject(err) : resolve({ stdout: out }),
        ),
      );
      const pid = Number(/^qemu (\d+)$/m.exec(stdout)?.[1]);
      assert.ok(pid > 0, stdout);
      await waitUntilGone(pid, 'QEMU of an exited process');
      assert.deepEqual(qemuRunning(elf), []);
    });
  });

  describe('bad input', () => {
    it('says which firmware file is missing', async () => {
      const sim = new SimTarget({ firmware: join(work, 'nope/firmware.elf') });
      await assert.rejects(sim.start(), (err: unknown) => {
        assert.ok(err instanceof FirmwareError);
        assert.equal(err.code, 'FIRMWARE_MISSING');
        assert.match(err.message, /nope\/firmware\.elf not found/);
        return true;
      });
    });

    it('refuses an ELF for another CPU and a file that is no ELF', async () => {
      await assert.rejects(new SimTarget({ firmware: process.execPath }).start(), (err: unknown) => {
        assert.ok(err instanceof FirmwareError && err.code === 'NOT_ARM_ELF');
        assert.match(err.message, /not a 32-bit ARM executable/);
        return true;
      });
      const text = join(work, 'firmware.txt');
      writeFileSync(text, 'hello\n');
      await assert.rejects(
        new SimTarget({ firmware: text }).start(),
        (err: unknown) => err instanceof FirmwareError && err.code === 'NOT_ELF',
      );
    });

    it('names the Debian package when qemu-system-arm is not installed', async () => {
      const savedPath = process.env.PATH;
      process.env.PATH = join(work, 'empty-bin');
      const sim = new SimTarget({ firmware: fw.elf });
      try {
        await assert.rejects(sim.start(), (err: unknown) => {
          assert.ok(err instanceof TargetError);
          assert.equal(err.code, 'QEMU_MISSING');
          assert.match(err.message, /install Debian's qemu-system-arm package/);
          return true;
        });
      } finally {
        process.env.PATH = savedPath;
      }
    });
  });
});
