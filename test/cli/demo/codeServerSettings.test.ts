// User settings for Outpost's code-server: defaults, caller overrides, a user's own keys kept, bad files refused.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultCodeServerSettings, mergeSettings, writeUserSettings } from '../../../src/cli/demo/codeServerSettings';

describe('code-server user settings', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-settings-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('turns the workspace trust prompt and telemetry off', () => {
    const merged = mergeSettings({});
    assert.equal(merged['security.workspace.trust.enabled'], false);
    assert.equal(merged['telemetry.telemetryLevel'], 'off');
  });

  it("lets the caller's settings win over the defaults, and the defaults over what the file held", () => {
    const merged = mergeSettings(
      { 'telemetry.telemetryLevel': 'all', 'editor.fontSize': 18 },
      { 'outpost.relay': 'ws://127.0.0.1:7600', 'workbench.colorTheme': 'Default Light Modern' },
    );
    assert.equal(merged['telemetry.telemetryLevel'], 'off');
    assert.equal(merged['editor.fontSize'], 18);
    assert.equal(merged['outpost.relay'], 'ws://127.0.0.1:7600');
    assert.equal(merged['workbench.colorTheme'], 'Default Light Modern');
  });

  it('writes User/settings.json, keeping keys a user added by hand, with no temporary file left', async () => {
    await mkdir(path.join(dir, 'User'));
    await writeFile(path.join(dir, 'User', 'settings.json'), JSON.stringify({ 'editor.fontSize': 18 }));
    const file = await writeUserSettings(dir, { 'outpost.relay': 'ws://127.0.0.1:1' });
    const written = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    assert.equal(written['editor.fontSize'], 18);
    assert.equal(written['outpost.relay'], 'ws://127.0.0.1:1');
    assert.equal(
      written['security.workspace.trust.enabled'],
      defaultCodeServerSettings['security.workspace.trust.enabled'],
    );
    assert.deepEqual(await readdir(path.join(dir, 'User')), ['settings.json']);
  });

  it('refuses a settings file it cannot merge, naming it, and leaves it untouched', async () => {
    await mkdir(path.join(dir, 'User'));
    const file = path.join(dir, 'User', 'settings.json');
    await writeFile(file, '{ // my comment\n "a": 1 }');
    await assert.rejects(writeUserSettings(dir), (err: Error) => err.message.includes(file));
    assert.equal(await readFile(file, 'utf8'), '{ // my comment\n "a": 1 }');
  });
});
