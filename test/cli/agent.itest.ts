// `outpost agent` in its own process against `outpost relay` in another: enrollment, telemetry, relay restart, stop, refusals.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentityFile } from '../../src/common/identityFile';
import { connectOperator } from '../../src/link/operatorClient';
import { buildSimFirmware, type SimBuildResult } from '../../src/platformio/simBuild';
import { sampleProjectDir } from '../../src/platformio/sampleProject';
import { runOutpost, startOutpost, type OutpostProcess } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

interface Listed {
  name: string;
  online: boolean;
  firmwareVersion: string | null;
  buildId: string | null;
  rssi: number | null;
  board: string | null;
  tags: Record<string, string>;
}

describe('outpost agent (separate processes, QEMU sim target)', function () {
  let dir: string;
  let firmware: SimBuildResult;
  let relay: RelayUnderTest;
  const agents: OutpostProcess[] = [];

  const admin = (...args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);
  async function devices(): Promise<Listed[]> {
    const r = await admin('devices', '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Listed[];
  }
  async function until(name: string, pred: (d: Listed) => boolean): Promise<Listed> {
    for (let i = 0; i < 100; i++) {
      const d = (await devices()).find((x) => x.name === name);
      if (d && pred(d)) return d;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} never reached the expected state`);
  }
  async function newKey(file: string): Promise<string> {
    const r = await runOutpost(['keys', 'new', '--out', path.join(dir, file)]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }
  /** Runs in the test's folder: the agent keeps its default state under ./.outpost/agent. */
  async function agent(...args: string[]): Promise<OutpostProcess> {
    const p = await startOutpost(
      ['agent', '--relay', relay.url, '--target', 'sim', '--firmware', firmware.elf, ...args],
      { cwd: dir },
    );
    agents.push(p);
    return p;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-agent-cli-'));
    firmware = await buildSimFirmware({ projectDir: sampleProjectDir(), outDir: path.join(dir, 'build') });
    relay = await startRelayProcess();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
  });
  after(async () => {
    await relay?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls with a token, reports firmware and signal, reconnects after a relay restart, and goes offline when stopped', async () => {
    await newKey('sim-1.key');
    const token = (await admin('enroll-token', 'create', '--tag', 'site=lab')).stdout.trim();
    const a = await agent('--key', path.join(dir, 'sim-1.key'), '--enroll', token, '--name', 'sim-1');
    await a.waitFor(/agent connected as sim-1\n/);
    const online = await until('sim-1', (d) => d.online && d.buildId !== null && d.rssi !== null);
    assert.equal(online.buildId, firmware.buildId);
    assert.deepEqual(online.tags, { site: 'lab' });
    assert.ok(online.firmwareVersion, 'the firmware version from the ELF');
    assert.ok(online.rssi! < 0);

    const port = relay.port;
    assert.equal(await relay.stop(), 0);
    relay = await startRelayProcess({ dataDir: relay.dataDir, listen: `127.0.0.1:${port}` });
    await a.waitFor(/agent connected as sim-1\n[^]*agent connected as sim-1\n/, 60_000);
    await until('sim-1', (d) => d.online);

    assert.equal(await a.stop('SIGTERM'), 0);
    await until('sim-1', (d) => !d.online);
  });

  it('serves ota channels (OTA wired with --trust) and keeps its state in --state', async () => {
    const key = await newKey('ota.key');
    const signer = await newKey('signer.key');
    assert.equal((await admin('device', 'add', 'ota-1', '--pubkey', key)).code, 0);
    const state = path.join(dir, 'ota-state');
    const a = await agent('--key', path.join(dir, 'ota.key'), '--trust', signer, '--state', state);
    await a.waitFor(/agent connected as ota-1/);
    const client = await connectOperator({
      relay: relay.url,
      identity: readIdentityFile(relay.adminKey),
      keepaliveSec: 0,
    });
    try {
      const channel = await client.openChannel('ota-1', 'ota');
      channel.on('error', () => undefined);
      channel.destroy();
    } finally {
      client.close();
    }
    assert.ok(fs.existsSync(path.join(state, 'ota')), 'OTA state lives under --state');
  });

  it('stops with one line when another agent takes over its identity', async () => {
    const key = await newKey('twin.key');
    assert.equal((await admin('device', 'add', 'twin', '--pubkey', key)).code, 0);
    const first = await agent('--key', path.join(dir, 'twin.key'));
    await first.waitFor(/agent connected as twin/);
    const second = await agent('--key', path.join(dir, 'twin.key'));
    await second.waitFor(/agent connected as twin/);
    // It may have exited while the second one was still saying so.
    const code =
      first.child.exitCode ?? (await new Promise<number | null>((resolve) => first.child.once('exit', resolve)));
    assert.equal(code, 1);
    assert.match(first.stderr(), /^outpost: agent stopped: the same identity connected again elsewhere$/m);
  });

  it('refuses to start with an unregistered key and no token, or a used-up token, naming the fix', async () => {
    await newKey('stranger.key');
    const r = await runOutpost(
      [
        'agent',
        '--relay',
        relay.url,
        '--key',
        path.join(dir, 'stranger.key'),
        '--target',
        'sim',
        '--firmware',
        firmware.elf,
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^outpost: this key is not registered on the relay: ask an admin to add it or enroll with a token\n$/m,
    );
    const token = (await admin('enroll-token', 'create')).stdout.trim();
    await newKey('a.key');
    await newKey('b.key');
    const a = await agent('--key', path.join(dir, 'a.key'), '--enroll', token, '--name', 'first-in');
    await a.waitFor(/agent connected as first-in/);
    const b = await runOutpost(
      [
        'agent',
        '--relay',
        relay.url,
        '--key',
        path.join(dir, 'b.key'),
        '--enroll',
        token,
        '--target',
        'sim',
        '--firmware',
        firmware.elf,
      ],
      { cwd: dir },
    );
    assert.equal(b.code, 1);
    assert.match(b.stderr, /outpost: enrollment token unknown, expired or used up: create a new one\n$/);
  });

  it('rejects a bad --target or --trust before connecting', async () => {
    await newKey('x.key');
    const target = await runOutpost(
      ['agent', '--relay', relay.url, '--key', path.join(dir, 'x.key'), '--target', 'jtag://x'],
      { cwd: dir },
    );
    assert.equal(target.code, 2);
    assert.match(target.stderr, /^outpost: --target "jtag:\/\/x": unknown target kind; use --target sim/);
    const trust = await runOutpost(
      ['agent', '--relay', relay.url, '--key', path.join(dir, 'x.key'), '--target', 'sim', '--trust', 'nope'],
      { cwd: dir },
    );
    assert.equal(trust.code, 2);
    assert.match(trust.stderr, /--trust "nope" is not a public key/);
  });
});
