// Link faults, jitter: 150 ms ± 100 ms each way, so packets arrive reordered between the relay (namespace A) and
// the devices (B). What the protocol delivers in order stays in order; an OTA lands with the right hash.
import assert from 'node:assert/strict';
import { buildFirmware } from '../debug/harness';
import { linkSupport } from '../support/netem';
import { linkBundles } from './linkSupport/bundles';
import { assertStoreConsistent } from './support/checks';
import { LinkFleet } from './linkSupport/linkFleet';
import { deployOverLink } from './linkSupport/otaOverLink';
import type { ProcessOutput } from './linkSupport/processOutput';
import { orderProblem, readingNumbers } from './linkSupport/readings';

const SHAPE = { delayMs: 150, jitterMs: 100, rateKbit: 2000 };

describe('link faults: jitter 150 ms ± 100 ms with reordering (relay in one namespace, agents and QEMU in another)', function () {
  this.timeout(240_000);
  let fleet: LinkFleet;
  let v1: { elf: string; buildId: string };
  let v2: { elf: string; buildId: string };
  let follower: ProcessOutput;

  before(async function () {
    if (!linkSupport().ok) this.skip();
    this.timeout(600_000);
    let bundles: { cli: string; adapter: string };
    [bundles, v1, v2] = await Promise.all([linkBundles(), buildFirmware(), buildFirmware('2.0.0')]);
    fleet = await LinkFleet.start({ cli: bundles.cli, firmware: v1.elf, shape: SHAPE, prefix: 'lj' });
    await Promise.all([fleet.startDevice('jittery-1'), fleet.startDevice('jittery-2')]);
    follower = fleet.spawnCli(['logs', 'jittery-1', '--follow']);
    await follower.waitFor(/reading #\d+ /, 30_000);
  });

  after(async () => {
    await fleet?.close();
  });

  it('console answers come back whole and in the order the commands were typed', async () => {
    const session = fleet.spawnCli(['console', 'jittery-1']);
    const stdin = session.child.stdin!;
    const values = [700, 800, 900, 1000];
    // Typed back to back, without waiting for answers: the channel must keep them in order both ways.
    for (const v of values) stdin.write(`set interval_ms ${v}\r`);
    await session.waitFor(/^interval_ms 1000\r?$/m, 60_000);
    stdin.end();
    assert.equal(await session.exited, 0, session.stderr);
    const answers = [...session.stdout.matchAll(/^interval_ms (\d+)\r?$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(answers, values);
  });

  it('an OTA completes and the device runs the image with the right hash', async () => {
    const ota = await deployOverLink(fleet, v2.elf, 'jittery-2', { padTo: 256 * 1024, healthTimeoutMs: 120_000 });
    const final = await ota.final;
    assert.equal(final.status, 'succeeded', JSON.stringify(final.devices));
    assert.equal(final.devices['jittery-2'].state, 'confirmed');
    assert.equal(final.signed.manifest.imageSha256, ota.imageSha256);
    const run = fleet.spawnCli(['exec', 'jittery-2', '--', 'version']);
    assert.equal(await run.exited, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^version 2\\.0\\.0\\nbuild-id ${v2.buildId}$`, 'm'));
    assert.notEqual(v2.buildId, v1.buildId);
  });

  it('afterwards: the log stream had every reading once and in order; the relay store is sound', async () => {
    const last = readingNumbers(follower.stdout).at(-1) ?? 0;
    await follower.waitFor(new RegExp(`reading #${last + 2} `), 30_000);
    const seen = readingNumbers(follower.stdout);
    assert.ok(seen.length > 5, `readings followed: ${seen.length}`);
    assert.equal(orderProblem(seen), undefined);
    await follower.stop('SIGINT');
    assert.equal(await fleet.stopRelay(), 0);
    assertStoreConsistent(fleet.dataDir);
  });
});
