// Gateway targets against real processes: a GDB server with the board's serial port (QEMU standing in for
// board + probe, its UART on a pseudo-terminal), and an agent-managed OpenOCD with no probe attached.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetError } from '../../src/agent/targets/errors';
import { freeLoopbackPort } from '../../src/agent/targets/freePort';
import { GdbServerTarget } from '../../src/agent/targets/gdbServer';
import { createTarget } from '../../src/agent/targets/index';
import { OpenocdTarget } from '../../src/agent/targets/openocd';
import { execCommand } from '../../src/agent/uart/execClient';
import { sampleFirmware } from './helpers/firmware';
import { runGdb } from './helpers/gdb';
import { collectLines } from './helpers/uartLines';

// A "board on a probe": QEMU with its GDB stub on a port and UART0 on a pty, like /dev/ttyACM0 next to OpenOCD.
async function startBoard(elf: string): Promise<{ child: ChildProcess; port: number; tty: string }> {
  const port = await freeLoopbackPort();
  const args = ['-M', 'mps2-an505', '-display', 'none', '-monitor', 'none', '-serial', 'pty', '-kernel', elf];
  const child = spawn('qemu-system-arm', [...args, '-gdb', `tcp:127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tty = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      const m = /char device redirected to (\/dev\/pts\/\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`QEMU exited (${code})`)));
  });
  await listening(port);
  return { child, port, tty };
}

// Waits until something listens on 127.0.0.1:port without connecting (a connection would halt the core).
async function listening(port: number): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (let i = 0; i < 200; i++) {
    const table = readFileSync('/proc/net/tcp', 'utf8');
    if (table.split('\n').some((l) => l.includes(` ${local} `) && / 0A /.test(l))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

describe('gateway targets', function () {
  let elf: string;
  let work: string;
  const children: ChildProcess[] = [];
  const targets: { stop(): Promise<void> }[] = [];

  before(async () => {
    elf = (await sampleFirmware()).elf;
    work = mkdtempSync(join(tmpdir(), 'outpost-gateway-itest-'));
  });
  afterEach(async () => {
    await Promise.all(targets.splice(0).map((t) => t.stop()));
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('gdb://HOST:PORT with a serial console', () => {
    it('reads the firmware log and runs commands over the serial port, facts from the ELF and the device', async () => {
      const board = await startBoard(elf);
      children.push(board.child);
      const target = createTarget(`gdb://127.0.0.1:${board.port}`, { serialPort: board.tty, firmware: elf });
      targets.push(target);
      await target.start();
      assert.ok(target.uart, 'a serial port was configured');
      const readings = await collectLines(target.uart, /^I: reading #\d+/, 2);
      assert.equal(readings.length, 2);
      const { output, exitCode } = await execCommand(target.uart, 'version');
      assert.equal(exitCode, 0);
      const facts = target.firmware();
      assert.match(output, new RegExp(`^build-id ${facts.buildId}$`, 'm'));
      assert.equal(facts.board, 'stm32u5-sim', 'board learned from the version reply');
    });

    it('hands out GDB connections to the server, and the board runs on after a debugger detaches', async () => {
      const board = await startBoard(elf);
      children.push(board.child);
      const target = new GdbServerTarget('127.0.0.1', board.port, { serial: { path: board.tty } });
      targets.push(target);
      await target.start();
      const socket = await target.connectGdb();
      socket.destroy();
      // The same server serves a debugger that connects on its own.
      const out = await runGdb(elf, board.port, ['info symbol $pc', 'detach']);
      assert.match(out, /in section \.text/);
      await collectLines(target.uart!, /^I: reading #\d+/, 1);
    });

    it('says the GDB server is unreachable, with the address', async () => {
      const port = await freeLoopbackPort();
      const target = new GdbServerTarget('127.0.0.1', port);
      targets.push(target);
      await target.start();
      await assert.rejects(target.connectGdb(), (err: unknown) => {
        assert.ok(err instanceof TargetError && err.code === 'GDB_UNREACHABLE');
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        return true;
      });
    });

    it('says when the serial port does not exist', async () => {
      const target = new GdbServerTarget('127.0.0.1', 3333, { serial: { path: join(work, 'ttyACM9') } });
      await assert.rejects(target.start(), (err: unknown) => {
        assert.ok(err instanceof TargetError && err.code === 'SERIAL_PORT');
        assert.match(err.message, /ttyACM9/);
        return true;
      });
    });
  });

  describe('openocd:CFG', () => {
    it('reports OpenOCD exiting early with its own error line (no probe attached)', async () => {
      const target = new OpenocdTarget(['interface/stlink.cfg', 'target/stm32u5x.cfg']);
      targets.push(target);
      await assert.rejects(target.start(), (err: unknown) => {
        assert.ok(err instanceof TargetError);
        assert.equal(err.code, 'OPENOCD_EXITED');
        assert.match(err.message, /OpenOCD exited early \(code 1\): Error: open failed/);
        return true;
      });
      assert.equal(target.gdbPort, undefined);
    });

    it('reports a configuration file OpenOCD cannot find', async () => {
      const target = new OpenocdTarget(['board/no_such_board.cfg']);
      targets.push(target);
      await assert.rejects(target.start(), /OpenOCD exited early .*no_such_board\.cfg/);
    });

    it('names the Debian package when openocd is not installed', async () => {
      const target = new OpenocdTarget(['target/stm32u5x.cfg'], { openocdBinary: join(work, 'bin/openocd') });
      targets.push(target);
      await assert.rejects(target.start(), (err: unknown) => {
        assert.ok(err instanceof TargetError && err.code === 'OPENOCD_MISSING');
        assert.match(err.message, /install Debian's openocd package/);
        return true;
      });
    });
  });
});
