// `outpost deploy` and the deployment commands as a user runs them: relay, agent and CLI in separate processes,
// the agent on the QEMU sim, real builds signed with the deployer's key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { otaBuilds, type OtaBuilds } from '../agent/ota/firmwareBuilds';
import { runOutpost, startOutpost, type OutpostProcess } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

describe('outpost deploy (separate processes, QEMU sim)', function () {
  this.timeout(240_000);
  let relay: RelayUnderTest;
  let dir: string;
  let builds: OtaBuilds;
  let agent: OutpostProcess | undefined;
  let ciKey: string;
  const ci = (...args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', ciKey], { timeoutMs: 120_000 });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-deploy-cli-'));
    [relay, builds] = await Promise.all([startRelayProcess(), otaBuilds()]);
    const admin = (...args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);
    ciKey = path.join(dir, 'ci.key');
    const ciPub = (await runOutpost(['keys', 'new', '--out', ciKey])).stdout.trim();
    assert.equal((await admin('operator', 'add', 'ci', '--pubkey', ciPub, '--role', 'deployer')).code, 0);
    const devKey = path.join(dir, 'pump.key');
    const devPub = (await runOutpost(['keys', 'new', '--out', devKey])).stdout.trim();
    assert.equal((await admin('device', 'add', 'pump-1', '--pubkey', devPub, '--tag', 'site=lab')).code, 0);
    agent = await startOutpost([
      'agent',
      '--relay',
      relay.url,
      '--key',
      devKey,
      '--target',
      'sim',
      '--firmware',
      builds.v1.elf,
      '--trust',
      ciPub,
      '--state',
      path.join(dir, 'pump-state'),
    ]);
    await agent.waitFor(/agent connected as pump-1/, 60_000);
  });
  after(async () => {
    await agent?.stop();
    await relay?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploys an ELF to a tag and waits until the device confirmed it', async () => {
    const r = await ci('deploy', builds.v2.elf, '--tag', 'site=lab', '--wait', '--health-timeout', '30s');
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, /^d[0-9a-f]{10}$/);
    assert.match(r.stderr, /pump-1: confirmed/);

    const list = await ci('deployments', '--json');
    const found = (JSON.parse(list.stdout) as { id: string; status: string }[]).find((d) => d.id === id);
    assert.equal(found?.status, 'succeeded');
    const show = await ci('deployment', 'show', id);
    assert.match(show.stdout, new RegExp(`deployment ${id}: succeeded`));
    assert.match(show.stdout, /pump-1\s+confirmed/);
    for (const deadline = Date.now() + 15_000; ;) {
      const now = JSON.parse((await ci('devices', '--json')).stdout) as { name: string; firmwareVersion: string }[];
      if (now.find((d) => d.name === 'pump-1')?.firmwareVersion === '2.0.0') break;
      if (Date.now() > deadline) assert.fail(`fleet view: ${JSON.stringify(now)}`);
      await new Promise((res) => setTimeout(res, 500));
    }
  });

  it('exits 1 with the device’s reason when a build never becomes ready and is rolled back', async () => {
    const r = await ci('deploy', builds.silent.elf, '--device', 'pump-1', '--wait', '--health-timeout', '3s');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /deployment d[0-9a-f]+ failed: .*pump-1: rolled_back HEALTH_CHECK_FAILED \(no UART line matched/,
    );
    assert.equal(r.stderr.trim().split('\n').at(-1)?.startsWith('outpost: '), true);
  });

  it('says what is wrong with bad input, and sends nothing', async () => {
    const noTargets = await ci('deploy', builds.v2.elf);
    assert.equal(noTargets.code, 2);
    assert.match(noTargets.stderr, /give targets: --device NAME or --tag k=v/);
    const missing = await ci('deploy', path.join(dir, 'nope.elf'), '--device', 'pump-1');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.elf not found/);
    const unknown = await ci('deploy', builds.v2.elf, '--device', 'ghost');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no device named ghost/);
    const bin = await ci('deploy', builds.v2.elf.replace(/\.elf$/, '.bin'), '--device', 'pump-1');
    assert.equal(bin.code, 2);
    assert.match(bin.stderr, /give --version --board --build-id/);
  });

  it('pauses, resumes and aborts a deployment waiting for an offline device', async () => {
    const admin = (...args: string[]) => runOutpost([...args, '--relay', relay.url, '--key', relay.adminKey]);
    const pub = (await runOutpost(['keys', 'new', '--out', path.join(dir, 'off.key')])).stdout.trim();
    await admin('device', 'add', 'off-1', '--pubkey', pub);
    const created = await ci('deploy', builds.v2.elf, '--device', 'off-1');
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(
      (await ci('deployment', 'pause', id)).stdout,
      new RegExp(`deployment ${id}: paused \\(paused by ci\\)`),
    );
    assert.match((await ci('deployment', 'resume', id)).stdout, new RegExp(`deployment ${id}: running`));
    assert.match((await ci('deployment', 'abort', id)).stdout, new RegExp(`deployment ${id}: aborted`));
    const again = await ci('deployment', 'resume', id);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already finished/);
  });
});
