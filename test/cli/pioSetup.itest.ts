// `outpost pio setup` as a user runs it on a copy of the sample project, and the task script it writes run by python3
// against a stand-in for PlatformIO's SCons environment (PlatformIO itself is not installable here).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ProjectConfig } from '../../src/platformio/ini';
import { parseMultiValues } from '../../src/platformio/iniSyntax';
import { runOutpost } from '../helpers/outpostCli';

const FAKE_SCONS = path.resolve(__dirname, '..', 'platformio', 'fakeScons.py');

interface Registered {
  name: string;
  title: string;
  dependencies: string | null;
  actions: (string | { python: string; exit: number; printed: string })[];
}

/** Runs the project's outpost_targets.py for `env` with the options PlatformIO would give it. */
async function tasksOf(project: string, env: string): Promise<Registered[]> {
  const cfg = ProjectConfig.load(project);
  const options: Record<string, unknown> = {};
  for (const o of ['upload_protocol', 'custom_outpost_targets', 'custom_outpost_cli']) {
    const v = cfg.envOption(env, o);
    if (v !== undefined) options[o] = v;
  }
  // A multi-value option: PlatformIO's ProjectConfig returns it as a list.
  const flags = cfg.envOption(env, 'upload_flags');
  if (flags !== undefined) options.upload_flags = parseMultiValues(flags);
  const { stdout } = await promisify(execFile)('python3', [
    FAKE_SCONS,
    path.join(project, 'outpost_targets.py'),
    JSON.stringify({ PIOENV: env, options }),
  ]);
  return (JSON.parse(stdout) as { targets: Registered[] }).targets;
}

describe('outpost pio setup (CLI process, python3 runs the task script)', function () {
  this.timeout(120_000);
  let dir: string;
  let project: string;
  const setup = (...args: string[]) => runOutpost(['pio', 'setup', '--project', project, ...args]);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-pio-setup-'));
    project = path.join(dir, 'u5-sensor');
    fs.cpSync(path.resolve('examples/u5-sensor'), project, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}.pio`),
    });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sets an environment up once, shows the diff, keeps a backup, and changes nothing the second time', async () => {
    const original = fs.readFileSync(path.join(project, 'platformio.ini'), 'utf8');
    const first = await setup('--env', 'sim', '--device', 'sensor-01');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^--- platformio\.ini$/m);
    assert.match(first.stdout, /^\+upload_command = outpost deploy --pio-env \$PIOENV --wait \$UPLOAD_FLAGS$/m);
    assert.match(first.stdout, /`pio run -t upload -e sim` deploys over the air/);
    assert.equal(fs.readFileSync(path.join(project, 'platformio.ini.bak'), 'utf8'), original);
    const cfg = ProjectConfig.load(project);
    assert.equal(cfg.envOption('sim', 'upload_protocol'), 'custom');
    assert.equal(cfg.envOption('sim', 'upload_flags'), '--device sensor-01');

    const ini = fs.readFileSync(path.join(project, 'platformio.ini'));
    const script = fs.readFileSync(path.join(project, 'outpost_targets.py'));
    const second = await setup('--env', 'sim', '--device', 'sensor-01');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^sim: nothing to change$/m);
    assert.doesNotMatch(second.stdout, /^[-+]{3} /m);
    assert.ok(fs.readFileSync(path.join(project, 'platformio.ini')).equals(ini));
    assert.ok(fs.readFileSync(path.join(project, 'outpost_targets.py')).equals(script));
    assert.deepEqual(
      fs.readdirSync(project).filter((f) => f.includes('.tmp')),
      [],
      'no temporary files left behind',
    );
  });

  it('writes a task script that registers "Outpost: deploy OTA" and "Outpost: GDB tunnel" with the targets', async () => {
    assert.equal((await setup('--env', 'sim', '--device', 'sensor-01', '--tag', 'site=lab')).code, 0);
    const tasks = await tasksOf(project, 'sim');
    assert.deepEqual(
      tasks.map((t) => [t.name, t.title]),
      [
        ['outpost_deploy', 'Outpost: deploy OTA'],
        ['outpost_tunnel', 'Outpost: GDB tunnel'],
      ],
    );
    assert.equal(tasks[0].dependencies, '$BUILD_DIR/${PROGNAME}.elf', 'deploying builds first');
    assert.deepEqual(tasks[0].actions, ['outpost deploy --pio-env $PIOENV --wait --device sensor-01 --tag site=lab']);
    assert.deepEqual(tasks[1].actions, ['outpost tunnel sensor-01 --listen 127.0.0.1:3333']);
  });

  it('keeps ST-LINK uploads of the board environment and still gives its tasks a target', async () => {
    const r = await setup('--device', 'bench-1'); // default_envs = nucleo_u575zi_q
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: \[env:nucleo_u575zi_q\] keeps upload_protocol = stlink/);
    assert.equal(ProjectConfig.load(project).envOption('nucleo_u575zi_q', 'upload_protocol'), 'stlink');
    const tasks = await tasksOf(project, 'nucleo_u575zi_q');
    assert.deepEqual(tasks[0].actions, ['outpost deploy --pio-env $PIOENV --wait --device bench-1']);
  });

  it('registers tasks that say what to do when the environment has no targets', async () => {
    assert.equal((await setup('--env', 'sim')).code, 0);
    const [deploy, tunnel] = await tasksOf(project, 'sim');
    const run = deploy.actions[0] as { exit: number; printed: string };
    assert.equal(run.exit, 1);
    assert.match(run.printed, /no devices to deploy to: run outpost pio setup --env sim --device NAME/);
    assert.equal((tunnel.actions[0] as { exit: number }).exit, 1);
  });

  it('writes nothing on --dry-run or bad input, and says what is wrong in one line', async () => {
    const before = fs.readFileSync(path.join(project, 'platformio.ini'), 'utf8');
    const dry = await setup('--env', 'sim', '--device', 'd1', '--dry-run');
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /^\+upload_protocol = custom$/m);
    assert.match(dry.stdout, /dry run: nothing written/);
    const unknown = await setup('--env', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr.trim(), /has no \[env:nope\]; known environments: nucleo_u575zi_q, sim$/);
    const badDevice = await setup('--env', 'sim', '--device', 'a b');
    assert.equal(badDevice.code, 2);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const none = await runOutpost(['pio', 'setup', '--project', empty]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr.trim().split('\n').length, 1);
    assert.match(none.stderr, /has no platformio\.ini/);
    assert.equal(fs.readFileSync(path.join(project, 'platformio.ini'), 'utf8'), before);
    assert.equal(fs.existsSync(path.join(project, 'outpost_targets.py')), false);
    assert.equal(fs.existsSync(path.join(project, 'platformio.ini.bak')), false);
  });
});
