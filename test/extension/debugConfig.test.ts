// Completing an outpost debug configuration: a target is required, the ELF comes from the PlatformIO build.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeDebugConfig } from '../../src/extension/debugConfig';
import { PlatformioError } from '../../src/platformio/errors';

describe('debug configuration completion', () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'outpost-dbgcfg-'));
    writeFileSync(join(project, 'platformio.ini'), '[platformio]\ndefault_envs = board\n[env:board]\n[env:sim]\n');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  const build = (env: string): string => {
    mkdirSync(join(project, '.pio/build', env), { recursive: true });
    const elf = join(project, '.pio/build', env, 'firmware.elf');
    writeFileSync(elf, 'ELF');
    return elf;
  };

  it('asks for a device or a gdbTarget', () => {
    assert.deepEqual(completeDebugConfig({ type: 'outpost', request: 'attach' }, project), { kind: 'noTarget' });
  });

  it('takes the ELF of pioEnv, else of the default environment, and sets cwd to the project', () => {
    const simElf = build('sim');
    const boardElf = build('board');
    const sim = completeDebugConfig({ device: 'sensor-01', pioEnv: 'sim' }, project);
    assert.deepEqual(sim, {
      kind: 'ready',
      config: { device: 'sensor-01', pioEnv: 'sim', executable: simElf, cwd: project },
    });
    const dflt = completeDebugConfig({ device: 'sensor-01' }, project);
    assert.equal(dflt.kind === 'ready' && dflt.config.executable, boardElf);
  });

  it('says which environment to build when its firmware.elf is missing', () => {
    assert.deepEqual(completeDebugConfig({ device: 'sensor-01', pioEnv: 'sim' }, project), {
      kind: 'notBuilt',
      env: 'sim',
      elf: join(project, '.pio/build/sim/firmware.elf'),
      projectDir: project,
    });
  });

  it('keeps an explicit executable, and needs one without a project', () => {
    const explicit = { gdbTarget: '127.0.0.1:3333', executable: '/fw/app.elf' };
    assert.deepEqual(completeDebugConfig(explicit, undefined), { kind: 'ready', config: explicit });
    assert.deepEqual(completeDebugConfig({ device: 'x' }, undefined), { kind: 'noExecutable' });
  });

  it('names an unknown pioEnv', () => {
    assert.throws(
      () => completeDebugConfig({ device: 'x', pioEnv: 'nope' }, project),
      (err: unknown) =>
        err instanceof PlatformioError &&
        err.code === 'UNKNOWN_ENV' &&
        /known environments: board, sim/.test(err.message),
    );
  });
});
