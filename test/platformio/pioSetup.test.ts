// What `outpost pio setup` plans for platformio.ini: OTA uploads that PlatformIO will read, idempotent, user lines kept.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PlatformioError } from '../../src/platformio/errors';
import { ProjectConfig } from '../../src/platformio/ini';
import { OTA_UPLOAD_COMMAND, planPioSetup } from '../../src/platformio/pioSetup';

const SAMPLE = fs.readFileSync(path.resolve('examples/u5-sensor/platformio.ini'), 'utf8');
const read = (text: string) => ProjectConfig.fromText(text, { projectDir: '/p' });
const plan = (text: string, envs: string[], targets: string[] = [], merged?: ProjectConfig) =>
  planPioSetup({ text, projectDir: '/p', envs, targets, merged });

/** Lines of `before` missing from `after`: what a plan removed or rewrote. */
const rewritten = (before: string, after: string) => {
  const kept = new Set(after.split('\n'));
  return before.split('\n').filter((l) => !kept.has(l));
};

describe('platformio/pioSetup', () => {
  it('makes `pio run -t upload -e sim` run outpost deploy to the given device, keeping inherited extra scripts', () => {
    const p = plan(SAMPLE, ['sim'], ['--device sensor-01']);
    const cfg = read(p.text);
    assert.equal(cfg.envOption('sim', 'upload_protocol'), 'custom');
    assert.equal(cfg.envOption('sim', 'upload_command'), OTA_UPLOAD_COMMAND);
    assert.equal(cfg.envOption('sim', 'upload_flags'), '--device sensor-01');
    assert.deepEqual(cfg.getList('env:sim', 'extra_scripts'), ['pre:scripts/bare_metal.py', 'post:outpost_targets.py']);
    assert.deepEqual(p.otaUploads, ['sim']);
    assert.equal(p.changes.length, 4);
    // The other environment still flashes over ST-LINK and gets the tasks through [env].
    assert.equal(cfg.envOption('nucleo_u575zi_q', 'upload_protocol'), 'stlink');
    assert.equal(cfg.envOption('nucleo_u575zi_q', 'upload_command'), undefined);
    // Only the extra_scripts line was rewritten (extended); every other line is where it was.
    assert.deepEqual(rewritten(SAMPLE, p.text), ['extra_scripts = pre:scripts/bare_metal.py']);
  });

  it('changes nothing when run again, and nothing for a second environment sharing [env]’s scripts twice', () => {
    const once = plan(SAMPLE, ['sim'], ['--device sensor-01']).text;
    const again = plan(once, ['sim'], ['--device sensor-01']);
    assert.equal(again.text, once);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.otaUploads, ['sim']);
    const both = plan(SAMPLE, ['sim', 'nucleo_u575zi_q'], ['--tag site=lab']);
    assert.equal((both.text.match(/outpost_targets\.py/g) ?? []).length, 1);
    assert.equal(plan(both.text, ['sim', 'nucleo_u575zi_q'], ['--tag site=lab']).text, both.text);
  });

  it('keeps an uploader the environment sets itself, and gives the Outpost tasks their targets beside it', () => {
    const p = plan(SAMPLE, ['nucleo_u575zi_q'], ['--device bench-1']);
    const cfg = read(p.text);
    assert.equal(cfg.envOption('nucleo_u575zi_q', 'upload_protocol'), 'stlink');
    assert.equal(cfg.envOption('nucleo_u575zi_q', 'upload_flags'), undefined, 'ST-LINK gets no outpost flags');
    assert.equal(cfg.envOption('nucleo_u575zi_q', 'custom_outpost_targets'), '--device bench-1');
    assert.deepEqual(p.otaUploads, []);
    assert.match(p.notes.join('\n'), /keeps upload_protocol = stlink \(platformio\.ini:\d+\)/);
    assert.equal(plan(p.text, ['nucleo_u575zi_q'], ['--device bench-1']).text, p.text);
  });

  it('overrides an uploader inherited from [env] in the environment’s own section', () => {
    const text = '[env]\nupload_protocol = stlink\n\n[env:field]\nboard = x\n';
    const p = plan(text, ['field'], ['--device d1']);
    const cfg = read(p.text);
    assert.equal(cfg.envOption('field', 'upload_protocol'), 'custom');
    assert.equal(cfg.get('env', 'upload_protocol'), 'stlink');
    assert.match(p.changes.join('\n'), /upload_protocol = custom \(overrides stlink from \[env\]\)/);
  });

  it('keeps a custom upload_command of the user’s, and accepts one that already runs outpost deploy', () => {
    const own = '[env:a]\nupload_protocol = custom\nupload_command = ./flash.sh $SOURCE\n';
    const p = plan(own, ['a'], ['--device d1']);
    assert.equal(read(p.text).envOption('a', 'upload_command'), './flash.sh $SOURCE');
    assert.match(p.notes.join('\n'), /keeps its own upload_command/);
    const tuned =
      '[env:a]\nupload_protocol = custom\nupload_command = npx outpost deploy --pio-env a --wait --rollout 10\n';
    const q = plan(tuned, ['a'], ['--device d1']);
    assert.equal(read(q.text).envOption('a', 'upload_command'), 'npx outpost deploy --pio-env a --wait --rollout 10');
    assert.deepEqual(q.otaUploads, ['a']);
  });

  it('leaves targets the user wrote, and says how to change them', () => {
    const text = '[env:a]\nupload_protocol = custom\nupload_flags = --device old\n';
    const p = plan(text, ['a'], ['--device new']);
    assert.equal(read(p.text).envOption('a', 'upload_flags'), '--device old');
    assert.match(p.notes.join('\n'), /keeps upload_flags = --device old/);
    assert.deepEqual(plan(text, ['a'], ['--device old']).changes.length, 2, 'command and extra_scripts only');
  });

  it('notes environments without targets instead of inventing some', () => {
    const p = plan('[env:a]\nboard = x\n', ['a']);
    assert.equal(read(p.text).envOption('a', 'upload_flags'), undefined);
    assert.match(p.notes.join('\n'), /no deploy targets yet: run again with --device NAME/);
  });

  it('does not append to an extra_scripts value built by interpolation (PlatformIO would join the items)', () => {
    const text = '[common]\nscripts = pre:a.py\n\n[env:a]\nextra_scripts = ${common.scripts}\n';
    const p = plan(text, ['a'], ['--device d']);
    assert.equal(read(p.text).envOption('a', 'extra_scripts'), 'pre:a.py');
    assert.match(p.notes.join('\n'), /add post:outpost_targets\.py to it by hand/);
  });

  it('refuses environments that are not in platformio.ini, naming why', () => {
    assert.throws(
      () => plan(SAMPLE, ['nope']),
      (e: PlatformioError) => e.code === 'UNKNOWN_ENV' && /has no \[env:nope\]/.test(e.message),
    );
    const merged = read(`${SAMPLE}\n[env:extra]\nboard = y\n`);
    assert.throws(
      () => plan(SAMPLE, ['extra'], [], merged),
      (e: PlatformioError) => e.code === 'NOT_EDITABLE' && /extra_configs/.test(e.message),
    );
    const moved = read(SAMPLE.replace('[env:sim]', '[env:sim]\nupload_protocol = jlink'));
    assert.throws(
      () => plan(SAMPLE, ['sim'], [], moved),
      (e: PlatformioError) => e.code === 'NOT_EDITABLE' && /upload_protocol of \[env:sim\]/.test(e.message),
    );
  });
});
