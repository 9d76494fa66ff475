// `outpost tunnel` with gdb-multiarch on a real `outpost sim` through a real relay: breakpoints, monitor commands, one client.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OutpostProcess } from '../helpers/outpostCli';
import { SimFleet } from './simFleet';

const run = promisify(execFile);

describe('outpost tunnel (gdb-multiarch, relay, sim and CLI as separate processes)', function () {
  let fleet: SimFleet;
  let tunnel: OutpostProcess;
  let port: number;

  /** gdb-multiarch in batch mode on the sample firmware, connected to the tunnel, running `commands`. */
  async function gdb(...commands: string[]): Promise<string> {
    const args = ['-nx', '-batch', '-ex', 'set confirm off', '-ex', `target extended-remote 127.0.0.1:${port}`];
    for (const c of commands) args.push('-ex', c);
    const { stdout, stderr } = await run('gdb-multiarch', [...args, fleet.firmware.elf], { timeout: 60_000 });
    return stdout + stderr;
  }

  /** The newest log line's sequence number, as `outpost logs --json` reports it. */
  async function lastSeq(): Promise<number> {
    const r = await fleet.admin('logs', 'sensor', '--tail', '1', '--json');
    return (JSON.parse(r.stdout.trim()) as { seq: number }).seq;
  }

  /** Polls the device's log until a line after `afterSeq` matches. */
  async function untilLogLine(afterSeq: number, pattern: RegExp): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const r = await fleet.admin('logs', 'sensor', '--tail', '50', '--json');
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { seq: number; text: string });
      if (lines.some((l) => l.seq > afterSeq && pattern.test(l.text))) return;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.fail(`no log line after #${afterSeq} matching ${pattern}`);
  }

  before(async () => {
    fleet = await new SimFleet().start();
    await fleet.onlineSim('sensor');
    const idleKey = await fleet.newKey('idle.key');
    assert.equal((await fleet.admin('device', 'add', 'idle', '--pubkey', idleKey)).code, 0);
    tunnel = await fleet.background(['tunnel', 'sensor', '--listen', '127.0.0.1:0']);
    port = Number((await tunnel.waitFor(/^gdb server listening on 127\.0\.0\.1:(\d+)$/m))[1]);
  });
  after(async () => {
    await fleet?.close();
  });

  it('lets gdb-multiarch hit a breakpoint in the firmware; the device runs on after gdb quits', async () => {
    const out = await gdb('break sum_readings', 'continue', 'bt 2');
    assert.match(out, /Breakpoint 1, sum_readings \(/);
    assert.match(out, /#1 .* in sensor_average /);
    // gdb quit (batch end): the firmware keeps printing readings.
    const seq = await lastSeq();
    for (let i = 0; i < 50 && (await lastSeq()) <= seq + 1; i++) await new Promise((r) => setTimeout(r, 200));
    assert.ok((await lastSeq()) > seq + 1, 'new log lines after gdb left');
  });

  it('answers monitor reset halt and monitor halt for the simulator’s QEMU stub', async () => {
    const before = await lastSeq();
    const out = await gdb(
      'monitor halt',
      'monitor reset halt',
      'maintenance flush register-cache',
      'info symbol $pc',
      'detach',
    );
    assert.doesNotMatch(out, /unknown command|Protocol error|failed/i, out);
    assert.match(out, /^Reset_Handler in section \.text$/m, 'the core waits at its reset handler');
    // After the detach the firmware boots again from the reset handler.
    await untilLogLine(before, /^I: boot: u5-sensor 1\.0\.0/);
  });

  it('runs the start-up sequences PlatformIO and cortex-debug send to an external GDB server to main', async () => {
    // PlatformIO's default debug_init_cmds with debug_tool = custom and debug_load_mode = manual.
    const script = path.join(fleet.dir, 'pio-init.gdb');
    fs.writeFileSync(script, 'define pio_reset_halt_target\n  monitor reset halt\nend\n');
    const pio = await gdb(
      `source ${script}`,
      'tbreak main',
      'pio_reset_halt_target',
      'monitor init',
      'pio_reset_halt_target',
      'continue',
      'detach',
    );
    assert.match(pio, /Temporary breakpoint 1, main \(\)/, pio);
    // cortex-debug (servertype external, launch): reset halt, load, reset halt, then run to main.
    const cortex = await gdb('monitor reset halt', 'load', 'monitor reset halt', 'tbreak main', 'continue', 'detach');
    assert.match(cortex, /Start address 0x[0-9a-f]+, load size \d+/);
    assert.match(cortex, /Temporary breakpoint 1, main \(\)/, cortex);
    assert.doesNotMatch(pio + cortex, /unknown command/);
  });

  it('refuses a second GDB client while one is attached, with a line on both sides', async () => {
    // The first client: a raw RSP connection that stays attached.
    const first: Socket = connect(port, '127.0.0.1');
    first.setNoDelay(true);
    await once(first, 'connect');
    first.write('+$qSupported#37');
    await once(first, 'data'); // the stub answered: this session is through to the device
    try {
      const out = await gdb('info registers pc').catch(
        (err: { stdout: string; stderr: string }) => err.stdout + err.stderr,
      );
      assert.match(
        out,
        /Remote failure reply: E\.another GDB client is attached to this tunnel; only one debug session at a time/,
      );
      assert.match(
        tunnel.stderr(),
        /^outpost: refused a GDB connection from 127\.0\.0\.1:\d+: another GDB client is attached to this tunnel/m,
      );
    } finally {
      first.destroy();
    }
    // Once the first leaves, the next GDB gets its own session.
    let out = '';
    for (let i = 0; i < 20 && !/pc\s+0x/.test(out); i++) {
      out = await gdb('info registers pc', 'detach').catch((err: { stdout: string }) => err.stdout);
    }
    assert.match(out, /pc\s+0x[0-9a-f]+/);
  });

  it('refuses a non-loopback --listen, an unknown device and an offline device with one line each', async () => {
    const open = await fleet.admin('tunnel', 'sensor', '--listen', '0.0.0.0:3333');
    assert.equal(open.code, 2);
    assert.equal(
      open.stderr,
      'outpost: --listen 0.0.0.0:3333: the tunnel listens on loopback only (127.0.0.1 or ::1), since anyone who reaches the port can debug the device; share it with ssh -L\n',
    );
    const unknown = await fleet.admin('tunnel', 'ghost', '--listen', '127.0.0.1:0');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'outpost: no device named "ghost" on this relay (see: outpost devices)\n');
    const offline = await fleet.admin('tunnel', 'idle', '--listen', '127.0.0.1:0');
    assert.equal(offline.code, 1);
    assert.equal(offline.stderr, 'outpost: device "idle" is offline: its agent is not connected to the relay\n');
  });
});
