// The demo's fixed parts: fleet names and tags, the launch.json it writes, the workspace copy, the undo stack.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../src/common/log';
import { demoDevices, MAX_DEMO_DEVICES } from '../../../src/cli/demo/demoFleet';
import { launchJson, prepareWorkspace } from '../../../src/cli/demo/demoWorkspace';
import { Teardown } from '../../../src/cli/demo/teardown';
import { sampleProjectDir } from '../../../src/platformio/sampleProject';

describe('demo fleet', () => {
  it('names devices sensor-01… with site=lab, the first in the canary ring and the rest in main', () => {
    assert.deepEqual(demoDevices(3), [
      { name: 'sensor-01', tags: { site: 'lab', ring: 'canary' } },
      { name: 'sensor-02', tags: { site: 'lab', ring: 'main' } },
      { name: 'sensor-03', tags: { site: 'lab', ring: 'main' } },
    ]);
    assert.equal(demoDevices(12)[11].name, 'sensor-12');
  });

  it('refuses fleets it would not run', () => {
    for (const n of [0, -1, 1.5, MAX_DEMO_DEVICES + 1]) assert.throws(() => demoDevices(n), RangeError);
  });
});

describe('demo workspace', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-demo-ws-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('launch.json attaches to the device with the sim build', () => {
    const config = JSON.parse(launchJson('sensor-07')) as { configurations: unknown[] };
    assert.deepEqual(config.configurations, [
      {
        type: 'outpost',
        request: 'attach',
        name: 'Outpost: attach to sensor-07',
        device: 'sensor-07',
        pioEnv: 'sim',
        svdFile: '${workspaceFolder}/boards/sim/mps2-an505.svd',
      },
    ]);
    assert.ok(fs.existsSync(path.join(sampleProjectDir(), 'boards', 'sim', 'mps2-an505.svd')), 'the sample has it');
  });

  it('copies the project without its build outputs, adds launch.json, and leaves an existing workspace alone', async () => {
    const sample = path.join(dir, 'sample');
    fs.mkdirSync(path.join(sample, 'src'), { recursive: true });
    fs.mkdirSync(path.join(sample, '.pio', 'build'), { recursive: true });
    fs.writeFileSync(path.join(sample, 'platformio.ini'), '[env:sim]\n');
    fs.writeFileSync(path.join(sample, 'src', 'main.c'), 'int main(void) { return 0; }\n');
    fs.writeFileSync(path.join(sample, '.pio', 'build', 'stale.elf'), 'old');
    const workspace = path.join(dir, 'data', 'workspace', 'u5-sensor');

    assert.equal(await prepareWorkspace(workspace, 'sensor-01', sample), true);
    assert.equal(fs.readFileSync(path.join(workspace, 'src', 'main.c'), 'utf8'), 'int main(void) { return 0; }\n');
    assert.equal(fs.existsSync(path.join(workspace, '.pio')), false);
    assert.equal(fs.readFileSync(path.join(workspace, '.vscode', 'launch.json'), 'utf8'), launchJson('sensor-01'));
    assert.deepEqual(fs.readdirSync(path.dirname(workspace)), ['u5-sensor'], 'no temporary folder left beside it');

    fs.writeFileSync(path.join(workspace, 'src', 'main.c'), 'edited\n');
    assert.equal(await prepareWorkspace(workspace, 'sensor-02', sample), false);
    assert.equal(fs.readFileSync(path.join(workspace, 'src', 'main.c'), 'utf8'), 'edited\n');
    assert.equal(fs.readFileSync(path.join(workspace, '.vscode', 'launch.json'), 'utf8'), launchJson('sensor-01'));
  });
});

describe('Teardown', () => {
  it('undoes newest first, keeps going past a failing step, and runs once', async () => {
    const done: string[] = [];
    const errors: string[] = [];
    const log = {
      ...silentLogger,
      error: (msg: string, f?: Record<string, unknown>) => errors.push(`${msg}: ${String(f?.what)}`),
    };
    const teardown = new Teardown(log);
    teardown.add('relay', () => void done.push('relay'));
    teardown.add('device', () => Promise.reject(new Error('QEMU would not quit')));
    teardown.add('editor', async () => void done.push('editor'));
    await Promise.all([teardown.run(), teardown.run()]);
    await teardown.run();
    assert.deepEqual(done, ['editor', 'relay']);
    assert.deepEqual(errors, ['stopping failed: device']);
  });

  it('stops what was still starting once it has started, and skips what failed to start', async () => {
    const stopped: string[] = [];
    const teardown = new Teardown(silentLogger);
    let finishStart: (name: string) => void = () => undefined;
    const slow = new Promise<string>((resolve) => (finishStart = resolve));
    teardown.addStarting('slow', slow, (name) => void stopped.push(name));
    teardown.addStarting('broken', Promise.reject(new Error('no QEMU')), () => void stopped.push('broken'));
    const running = teardown.run();
    finishStart('code-server');
    await running;
    assert.deepEqual(stopped, ['code-server']);
  });
});
