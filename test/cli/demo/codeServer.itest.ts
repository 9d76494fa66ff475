// The code-server launcher against the real code-server: serves the workbench on loopback, stops its whole group.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCodeServer, type CodeServerHandle } from '../../../src/cli/demo/codeServer';

/** Process ids in process group `pgid` (ps, so that children started by code-server count too). */
function groupMembers(pgid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, g, stat]) => Number(g) === pgid && !stat?.startsWith('Z'))
    .map(([p]) => Number(p));
}

describe('startCodeServer (real code-server)', function () {
  let root = '';
  let server: CodeServerHandle | undefined;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'outpost-cs-'));
    await mkdir(path.join(root, 'workspace'));
  });
  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves the workbench on 127.0.0.1 without a password, with the settings written', async () => {
    server = await startCodeServer({
      port: 0,
      folder: path.join(root, 'workspace'),
      userDataDir: path.join(root, 'user-data'),
      extensionsDir: path.join(root, 'extensions'),
      settings: { 'outpost.relay': 'ws://127.0.0.1:7600' },
    });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url, { redirect: 'follow' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /vscode-workbench-web-configuration|workbench/i);
    const settings = JSON.parse(await readFile(path.join(root, 'user-data', 'User', 'settings.json'), 'utf8'));
    assert.equal(settings['outpost.relay'], 'ws://127.0.0.1:7600');
    assert.equal(settings['security.workspace.trust.enabled'], false);
  });

  it('stops the server and every process it started', async () => {
    assert.ok(server);
    const pgid = server.pid;
    assert.ok(groupMembers(pgid).length > 0);
    await server.stop();
    assert.deepEqual(groupMembers(pgid), []);
    await assert.rejects(fetch(server.url));
    server = undefined;
  });

  it('says which port is taken when it cannot listen', async () => {
    const other = await startCodeServer({
      port: 0,
      folder: path.join(root, 'workspace'),
      userDataDir: path.join(root, 'ud-a'),
      extensionsDir: path.join(root, 'ext'),
    });
    try {
      const port = Number(new URL(other.url).port);
      await assert.rejects(
        startCodeServer({
          port,
          folder: path.join(root, 'workspace'),
          userDataDir: path.join(root, 'ud-b'),
          extensionsDir: path.join(root, 'ext'),
        }),
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
    } finally {
      await other.stop();
    }
  });
});
