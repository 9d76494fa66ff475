// `outpost demo` as a real process: relay, three QEMU devices and code-server come up, the CLI sees the fleet with
// the demo's operator key, and Ctrl-C leaves no process behind; bad set-ups fail in one line with nothing left running.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceInfo } from '../../../src/protocol/control';
import { readFirmwareInfo } from '../../../src/platformio/firmwareInfo';
import { runOutpost, startOutpost, type OutpostProcess } from '../../helpers/outpostCli';
import { descendants, isAlive, processesMentioning as mentioning } from '../../helpers/processes';
import { makeFakeDesktopCode, type FakeDesktopCode } from './fakeDesktopCode';

describe('outpost demo (real process: relay, QEMU devices, code-server)', function () {
  this.timeout(240_000);
  let dataDir = '';
  let demo: OutpostProcess | undefined;
  let desktop: FakeDesktopCode;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-demo-test-'));
    desktop = makeFakeDesktopCode();
  });
  after(async () => {
    await demo?.stop('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    desktop.remove();
  });

  it('becomes ready, lists three online devices with firmware and build id, and stops everything on Ctrl-C', async () => {
    // A desktop `code` launcher on PATH (a stand-in: no desktop VS Code here) gets the extension and the project.
    const env = { PATH: `${desktop.dir}${path.delimiter}${process.env.PATH ?? ''}` };
    demo = await startOutpost(['demo', '--port', '0', '--data', dataDir], { env });
    const [, url] = await demo.waitFor(/^demo ready at (http:\/\/127\.0\.0\.1:\d+\/)$/m, 180_000);
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
      url: string;
      relay: string;
      operatorKey: string;
      workspace: string;
    };
    assert.equal(info.url, url);
    assert.match(demo.stdout(), new RegExp(`^operator key ${info.operatorKey}$`, 'm'));

    // The browser's view of it: the workbench page is served.
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /workbench/i);

    // The CLI with the key the demo printed sees what the Fleet view shows.
    const listed = await runOutpost(['devices', '--json', '--relay', info.relay, '--key', info.operatorKey]);
    assert.equal(listed.code, 0, listed.stderr);
    const devices = JSON.parse(listed.stdout) as DeviceInfo[];
    const built = await readFirmwareInfo(path.join(info.workspace, '.pio', 'build', 'sim', 'firmware.elf'));
    assert.ok(built.version && built.buildId, 'the workspace build has a version and a build id');
    assert.deepEqual(
      devices.map((d) => [d.name, d.online, d.firmwareVersion, d.buildId, d.tags.ring]),
      [
        ['sensor-01', true, built.version, built.buildId, 'canary'],
        ['sensor-02', true, built.version, built.buildId, 'main'],
        ['sensor-03', true, built.version, built.buildId, 'main'],
      ],
    );

    // The desktop editor got the packaged extension and opened the workspace, connected through its settings.
    assert.deepEqual(desktop.calls(), [
      ['--install-extension', path.resolve('dist/outpost.vsix'), '--force'],
      ['--new-window', info.workspace],
    ]);
    const settings = JSON.parse(fs.readFileSync(path.join(info.workspace, '.vscode', 'settings.json'), 'utf8')) as {
      [k: string]: unknown;
    };
    assert.equal(settings['outpost.relay'], info.relay);
    assert.equal(settings['outpost.identityFile'], info.operatorKey);
    assert.match(demo.stderr(), /desktop VS Code: .* opened with Outpost connected to the demo relay/);

    // The workspace can debug sensor-01 out of the box.
    const launch = JSON.parse(fs.readFileSync(path.join(info.workspace, '.vscode', 'launch.json'), 'utf8')) as {
      configurations: Array<Record<string, string>>;
    };
    assert.deepEqual(
      launch.configurations.map((c) => [c.type, c.request, c.device]),
      [['outpost', 'attach', 'sensor-01']],
    );

    const children = descendants(demo.child.pid!);
    assert.equal(children.filter((p) => p.cmd.startsWith('qemu-system-arm')).length, 3, JSON.stringify(children));
    assert.ok(
      children.some((p) => p.cmd.includes('code-server')),
      JSON.stringify(children),
    );

    const code = await demo.interrupt(); // Ctrl-C in the terminal: the whole job gets SIGINT
    assert.equal(code, 0, demo.stderr().slice(-2000));
    assert.match(demo.stderr(), /demo: stopped/);
    assert.deepEqual(
      children.filter((p) => isAlive(p.pid)),
      [],
      'processes left running',
    );
    assert.deepEqual(mentioning(dataDir), [], 'processes still using the data directory');
    assert.equal(fs.existsSync(path.join(dataDir, 'demo.json')), false, 'demo.json outlived the demo');
    await assert.rejects(fetch(url));
  });

  it('starts again on the same --data with the same devices, not new ones', async () => {
    demo = await startOutpost(['demo', '--port', '0', '--data', dataDir]);
    await demo.waitFor(/^demo ready at http:\/\/127\.0\.0\.1:\d+\/$/m, 180_000);
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
      relay: string;
      operatorKey: string;
    };
    const listed = await runOutpost(['devices', '--json', '--relay', info.relay, '--key', info.operatorKey]);
    const devices = JSON.parse(listed.stdout) as DeviceInfo[];
    assert.deepEqual(
      devices.map((d) => [d.name, d.online]),
      [
        ['sensor-01', true],
        ['sensor-02', true],
        ['sensor-03', true],
      ],
    );
    assert.equal(await demo.stop('SIGTERM'), 0);
    assert.deepEqual(mentioning(dataDir), []);
  });
});

describe('outpost demo stopped during start-up', function () {
  this.timeout(120_000);
  let dataDir = '';
  let demo: OutpostProcess | undefined;
  before(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-demo-early-'))));
  after(async () => {
    await demo?.stop('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops what it had started and exits 0 on Ctrl-C before it is ready', async () => {
    demo = await startOutpost(['demo', '--port', '0', '--data', dataDir]);
    const proc = demo;
    // Devices and code-server are on their way up when the signal arrives.
    for (let i = 0; i < 600 && !/starting VS Code/.test(proc.stderr()); i++) await sleep(50);
    assert.match(proc.stderr(), /starting VS Code/);
    assert.equal(await proc.interrupt(), 0, proc.stderr().slice(-2000));
    assert.match(proc.stderr(), /demo: stopped/);
    assert.deepEqual(mentioning(dataDir), [], 'processes left running');
  });
});

describe('outpost demo refuses a bad set-up in one line, leaving nothing running', function () {
  this.timeout(120_000);
  let dataDir = '';
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-demo-bad-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the demo to its end and checks the one-line error and that nothing it started is left. */
  async function failsWith(args: string[], env: NodeJS.ProcessEnv, message: RegExp): Promise<void> {
    const result = await runOutpost(['demo', '--data', dataDir, ...args], { env, timeoutMs: 90_000 });
    assert.notEqual(result.code, 0);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('outpost: '));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], message);
    assert.doesNotMatch(result.stdout, /demo ready/);
    assert.deepEqual(mentioning(dataDir), []);
  }

  it('names the port that is taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await failsWith(['--port', String(port)], {}, new RegExp(`port ${port} .*already in use.*--port`));
    } finally {
      server.close();
    }
  });

  it('says how to build the extension when its package is missing', async () => {
    await failsWith(['--port', '0'], { OUTPOST_VSIX: path.join(dataDir, 'none.vsix') }, /none\.vsix/);
  });

  it('says how to install code-server when it is missing', async () => {
    await failsWith(
      ['--port', '0'],
      { OUTPOST_CODE_SERVER_DIR: path.join(dataDir, 'none') },
      /code-server is not installed.*setup/,
    );
  });

  it('names the Debian package when QEMU is missing, and stops code-server it had started', async () => {
    // A PATH with the ARM toolchain (the firmware still builds) but no qemu-system-arm.
    const bin = path.join(dataDir, 'bin');
    fs.mkdirSync(bin);
    for (const tool of ['arm-none-eabi-gcc', 'arm-none-eabi-objcopy']) {
      fs.symlinkSync(execFileSync('which', [tool], { encoding: 'utf8' }).trim(), path.join(bin, tool));
    }
    await failsWith(['--port', '0'], { PATH: bin }, /qemu-system-arm.*apt-get install qemu-system-arm/);
  });

  it('refuses a bad --port or --devices as usage errors', async () => {
    for (const args of [
      ['--port', 'http'],
      ['--port', '70000'],
      ['--devices', '0'],
      ['--devices', '99'],
    ]) {
      const result = await runOutpost(['demo', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^outpost: bad --(port|devices) /);
    }
  });
});
