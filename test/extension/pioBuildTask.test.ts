// Which finished tasks count as a PlatformIO build worth offering to deploy.
import { strict as assert } from 'node:assert';
import { pioBuildOf, shellTaskWords, shellWords, taskCwd, type EndedTask } from '../../src/extension/pioBuildTask';

const task = (over: Partial<EndedTask>): EndedTask => ({
  type: 'PlatformIO',
  command: 'platformio',
  args: ['run'],
  cwd: '/work/proj',
  exitCode: 0,
  ...over,
});

describe('pioBuildOf', () => {
  it('takes a PlatformIO IDE build of one environment', () => {
    assert.deepEqual(pioBuildOf(task({ args: ['run', '--environment', 'sim'] })), {
      projectDir: '/work/proj',
      envs: ['sim'],
    });
  });

  it('takes -e and --environment= forms and several environments', () => {
    assert.deepEqual(pioBuildOf(task({ args: ['run', '-e', 'sim', '--environment=nucleo_u575zi_q'] }))?.envs, [
      'sim',
      'nucleo_u575zi_q',
    ]);
  });

  it('reports the default environments as an empty list', () => {
    assert.deepEqual(pioBuildOf(task({ args: ['run'] }))?.envs, []);
  });

  it('ignores failed builds, uploads, cleans and monitors', () => {
    assert.equal(pioBuildOf(task({ exitCode: 1 })), undefined);
    assert.equal(pioBuildOf(task({ exitCode: undefined })), undefined);
    assert.equal(pioBuildOf(task({ args: ['run', '--target', 'upload', '-e', 'sim'] })), undefined);
    assert.equal(pioBuildOf(task({ args: ['run', '-t', 'clean'] })), undefined);
    assert.equal(pioBuildOf(task({ args: ['device', 'monitor'] })), undefined);
  });

  it('takes a user shell task that runs pio, and ignores other tools', () => {
    assert.deepEqual(
      pioBuildOf(task({ type: 'shell', command: '/usr/local/bin/pio', args: ['run', '-e', 'sim'] }))?.envs,
      ['sim'],
    );
    assert.equal(pioBuildOf(task({ type: 'shell', command: 'make', args: ['run'] })), undefined);
  });

  it('uses --project-dir over the task folder', () => {
    assert.equal(pioBuildOf(task({ args: ['run', '-d', '/elsewhere', '-e', 'sim'] }))?.projectDir, '/elsewhere');
  });
});

describe('shellWords', () => {
  it('splits a command line with quotes', () => {
    assert.deepEqual(shellWords(`pio run -e "my env" -d '/a b'`), ['pio', 'run', '-e', 'my env', '-d', '/a b']);
  });
});

describe('shellTaskWords', () => {
  it('reads a tasks.json command line (the editor reports its command as empty)', () => {
    assert.deepEqual(shellTaskWords({ commandLine: 'pio run -e sim', command: '', args: [] }), {
      command: 'pio',
      args: ['run', '-e', 'sim'],
    });
  });

  it('reads a command with separate arguments', () => {
    assert.deepEqual(shellTaskWords({ commandLine: undefined, command: 'platformio', args: ['run', '-e', 'sim'] }), {
      command: 'platformio',
      args: ['run', '-e', 'sim'],
    });
  });
});

describe('taskCwd', () => {
  it("resolves ${workspaceFolder} and relative folders against the task's folder", () => {
    assert.equal(taskCwd('${workspaceFolder}', '/work/proj'), '/work/proj');
    assert.equal(taskCwd('${workspaceFolder}/fw', '/work/proj'), '/work/proj/fw');
    assert.equal(taskCwd('fw', '/work/proj'), '/work/proj/fw');
    assert.equal(taskCwd(undefined, '/work/proj'), '/work/proj');
    assert.equal(taskCwd('/elsewhere', '/work/proj'), '/elsewhere');
  });

  it('gives up on variables it cannot resolve', () => {
    assert.equal(taskCwd('${env:PROJECT}', '/work/proj'), undefined);
    assert.equal(taskCwd('${workspaceFolder}', undefined), undefined);
  });
});
