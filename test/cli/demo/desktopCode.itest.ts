// The desktop VS Code step of `outpost demo`: finding the launcher on PATH, installing the vsix and opening the
// project through it, and the workspace settings that connect it; with a stand-in launcher (no desktop VS Code here).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findDesktopCode, openInDesktopCode } from '../../../src/cli/demo/desktopCode';
import { mergeWorkspaceSettings } from '../../../src/cli/demo/workspaceSettings';
import { makeFakeDesktopCode, type FakeDesktopCode } from './fakeDesktopCode';

describe('demo: the desktop VS Code beside code-server', function () {
  this.timeout(30_000);
  const fakes: FakeDesktopCode[] = [];
  const fake = (...args: Parameters<typeof makeFakeDesktopCode>): FakeDesktopCode => {
    const f = makeFakeDesktopCode(...args);
    fakes.push(f);
    return f;
  };
  let workspace = '';
  beforeEach(() => (workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-desktop-ws-'))));
  afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }));
  after(() => fakes.forEach((f) => f.remove()));

  it('finds `code` on PATH before `codium`, and nothing when no launcher is there', () => {
    const codium = fake('codium');
    const code = fake('code');
    assert.equal(findDesktopCode({ PATH: [codium.dir, code.dir].join(path.delimiter) }), code.cli);
    assert.equal(findDesktopCode({ PATH: codium.dir }), codium.cli);
    assert.equal(findDesktopCode({ PATH: workspace }), undefined);
  });

  it('takes OUTPOST_DEMO_CODE over PATH, and an empty one skips the desktop editor', () => {
    const code = fake('code');
    assert.equal(
      findDesktopCode({ PATH: code.dir, OUTPOST_DEMO_CODE: '/opt/vscode/bin/code' }),
      '/opt/vscode/bin/code',
    );
    assert.equal(findDesktopCode({ PATH: code.dir, OUTPOST_DEMO_CODE: '' }), undefined);
  });

  it('installs the vsix with --force, then opens the workspace in a new window', async () => {
    const code = fake('code');
    await openInDesktopCode(code.cli, 'dist/outpost.vsix', workspace);
    assert.deepEqual(code.calls(), [
      ['--install-extension', path.resolve('dist/outpost.vsix'), '--force'],
      ['--new-window', workspace],
    ]);
  });

  it('a failed install is one line with the editor’s own reason, and the window is not opened', async () => {
    const code = fake('code', { failInstall: 'Failed Installing Extensions: outpost.vsix is not compatible' });
    await assert.rejects(openInDesktopCode(code.cli, 'dist/outpost.vsix', workspace), (err: Error) => {
      assert.match(err.message, /^installing Outpost with .*code failed: Failed Installing Extensions: .*compatible$/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
    assert.equal(code.calls().length, 1, 'no --new-window after a failed install');
  });

  it('writes the relay settings into the workspace, keeping the user’s other settings', async () => {
    const file = path.join(workspace, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify({ 'editor.tabSize': 2, 'outpost.relay': 'ws://old:1' }));
    await mergeWorkspaceSettings(workspace, { 'outpost.relay': 'ws://127.0.0.1:7600', 'outpost.autoConnect': true });
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {
      'editor.tabSize': 2,
      'outpost.relay': 'ws://127.0.0.1:7600',
      'outpost.autoConnect': true,
    });
  });

  it('leaves a settings file with comments untouched and says what to set by hand', async () => {
    const file = path.join(workspace, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(file));
    const withComments = '{\n  // my tabs\n  "editor.tabSize": 2\n}\n';
    fs.writeFileSync(file, withComments);
    await assert.rejects(
      mergeWorkspaceSettings(workspace, { 'outpost.relay': 'ws://127.0.0.1:7600' }),
      /settings\.json is not plain JSON; set outpost\.relay there by hand/,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), withComments);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['settings.json'], 'no temporary file left');
  });
});
