// `outpost sim` as a real process next to `outpost relay`: enrollment, telemetry, its own key, several at once, Ctrl-C, bad firmware.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runOutpost } from '../helpers/outpostCli';
import { childProcesses, isAlive } from '../helpers/processes';
import { SimFleet } from './simFleet';

describe('outpost sim (relay, sim and CLI as separate processes)', function () {
  let fleet: SimFleet;

  before(async () => {
    fleet = await new SimFleet().start();
  });
  afterEach(async () => {
    await fleet.stopAll();
  });
  after(async () => {
    await fleet?.close();
  });

  it('enrolls with a token, shows online with firmware version, build id, RSSI and uptime, and keeps its key', async () => {
    const token = (await fleet.admin('enroll-token', 'create', '--tag', 'site=lab')).stdout.trim();
    const sim = await fleet.sim(['--name', 'sensor', '--enroll', token]);
    const [line] = await sim.waitFor(/^sim sensor online .*\n/m, 60_000);
    assert.equal(line, `sim sensor online (firmware 1.0.0, build ${fleet.firmware.buildId.slice(0, 12)})\n`);
    const device = await fleet.until('sensor', (d) => d.online && d.rssi !== null && d.uptime !== null);
    assert.equal(device.firmwareVersion, '1.0.0');
    assert.equal(device.buildId, fleet.firmware.buildId);
    assert.ok(device.rssi! < 0, 'a cellular RSSI in dBm');
    assert.ok(device.uptime! >= 0);
    assert.deepEqual(device.tags, { site: 'lab' });

    const keyFile = path.join(fleet.dir, '.outpost', 'sim', 'sensor', 'device.key');
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600, 'the device key is private');
    assert.match(sim.stderr(), /new device key .*device\.key \(public key [\w-]{43}\)/);

    // Ctrl-C in the terminal (SIGINT to the whole foreground job) stops QEMU and the agent, QEMU only when the
    // sim asks it to (not killed by the terminal and mistaken for a crash); the relay shows the device offline.
    const qemu = childProcesses(sim.child.pid!, 'qemu-system-arm');
    assert.equal(qemu.length, 1, 'one QEMU per sim');
    assert.equal(await sim.interrupt(), 0);
    assert.equal(isAlive(qemu[0]), false, 'QEMU is gone with its sim');
    assert.doesNotMatch(sim.stderr(), /QEMU exited unexpectedly/);
    await fleet.until('sensor', (d) => !d.online, 'offline');

    // The next start uses the same key and needs no token (the used one would be refused).
    const again = await fleet.sim(['--name', 'sensor', '--enroll', token]);
    await again.waitFor(/sim sensor online/, 60_000);
    assert.doesNotMatch(again.stderr(), /new device key/);
  });

  it('runs several sims at once, each with its own QEMU and private ports', async () => {
    const token = (await fleet.admin('enroll-token', 'create', '--uses', '2')).stdout.trim();
    const [a, b] = await Promise.all([
      fleet.sim(['--name', 'twin-a', '--enroll', token]),
      fleet.sim(['--name', 'twin-b', '--enroll', token]),
    ]);
    await Promise.all([a.waitFor(/sim twin-a online/, 60_000), b.waitFor(/sim twin-b online/, 60_000)]);
    const [qa] = childProcesses(a.child.pid!, 'qemu-system-arm');
    const [qb] = childProcesses(b.child.pid!, 'qemu-system-arm');
    assert.ok(qa && qb && qa !== qb);
    const ports = [a, b].map((p) => /"gdbPort":(\d+)/.exec(p.stderr())?.[1]);
    assert.ok(ports[0] && ports[1] && ports[0] !== ports[1], `GDB stubs on distinct ports: ${ports.join(', ')}`);
    for (const name of ['twin-a', 'twin-b']) {
      const r = await fleet.admin('exec', name, '--', 'version');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^board stm32u5-sim$/m);
    }
  });

  it("reports the firmware's uptime, which starts over when the firmware reboots", async () => {
    await fleet.onlineSim('rebooter');
    await new Promise((r) => setTimeout(r, 2000));
    // A reconnect has the agent report the device afresh, uptime included.
    await fleet.killAndRestartRelay();
    const before = await fleet.until('rebooter', (d) => d.online && (d.uptime ?? 0) >= 2, 'online with 2 s of uptime');
    const r = await fleet.admin('exec', 'rebooter', '--', 'reboot');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rebooting/);
    await fleet.until('rebooter', (d) => d.uptime !== null && d.uptime < before.uptime!, 'an uptime that started over');
  });

  it('builds and runs the sample firmware when no --firmware is given', async () => {
    const token = (await fleet.admin('enroll-token', 'create')).stdout.trim();
    const sim = await fleet.sim(['--name', 'sample', '--enroll', token], { firmware: 'sample' });
    await sim.waitFor(/sim sample online \(firmware 1\.0\.0, build [0-9a-f]{12}\)/, 120_000);
    assert.match(sim.stderr(), /building the sample firmware \(.*u5-sensor, env sim\)/);
    const r = await fleet.admin('exec', 'sample', '--', 'version');
    assert.match(r.stdout, /^app u5-sensor$/m);
  });

  it('refuses a missing firmware file or one that is not an ARM ELF, leaving nothing behind', async () => {
    const sim = (...args: string[]) =>
      runOutpost(['sim', '--relay', fleet.relay.url, '--name', 'bad', ...args], { cwd: fleet.dir });
    const missing = await sim('--firmware', 'nope/firmware.elf');
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      `outpost: firmware ${path.join(fleet.dir, 'nope', 'firmware.elf')} not found; build it first or give the path of an existing firmware.elf\n`,
    );
    const text = path.join(fleet.dir, 'notes.txt');
    fs.writeFileSync(text, 'not firmware\n');
    const notElf = await sim('--firmware', text);
    assert.equal(notElf.code, 1);
    assert.equal(notElf.stderr, `outpost: ${text} is not an ELF file; give the firmware.elf of an ARM build\n`);
    const host = await sim('--firmware', process.execPath);
    assert.equal(host.code, 1);
    assert.match(
      host.stderr,
      /^outpost: .* is not a 32-bit ARM executable ELF; give the firmware\.elf of a Cortex-M build/,
    );
    assert.equal(fs.existsSync(path.join(fleet.dir, '.outpost', 'sim', 'bad')), false, 'no state folder, no key');
  });

  it('says how to register a key the relay does not know when no token is given', async () => {
    const r = await runOutpost(
      ['sim', '--relay', fleet.relay.url, '--name', 'stranger', '--firmware', fleet.firmware.elf],
      { cwd: fleet.dir, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 1);
    const key = /public key ([\w-]{43})/.exec(r.stderr)?.[1];
    assert.ok(key, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^outpost: this device key is not registered on the relay: pass --enroll TOKEN, or have an admin run outpost device add stranger --pubkey ${key}$`,
        'm',
      ),
    );
  });

  it('refuses a missing --name or a bad --trust key before starting anything', async () => {
    const noName = await runOutpost(['sim', '--relay', fleet.relay.url], { cwd: fleet.dir });
    assert.equal(noName.code, 2);
    assert.equal(noName.stderr, 'outpost: missing --name NAME: the device name of the simulator\n');
    const trust = await runOutpost(['sim', '--relay', fleet.relay.url, '--name', 'x', '--trust', 'nope'], {
      cwd: fleet.dir,
    });
    assert.equal(trust.code, 2);
    assert.match(trust.stderr, /^outpost: --trust "nope" is not a public key/);
  });
});
