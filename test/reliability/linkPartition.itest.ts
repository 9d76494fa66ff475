// Link faults, 5 s partitions: the link between the relay (namespace A) and the devices (B) drops every packet for
// 5 s while the fleet idles, a debug session is paused at a breakpoint, an OTA transfer runs, a console is open.
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildFirmware, EventQueue, startClient, stopClient } from '../debug/harness';
import { LogsTail } from '../debug/remoteFleet';
import { stopAtReport } from '../debug/scenarios';
import { linkSupport } from '../support/netem';
import { linkBundles } from './linkSupport/bundles';
import { assertStoreConsistent } from './support/checks';
import { LinkFleet } from './linkSupport/linkFleet';
import { deployOverLink, downloadedAtLeast, transferAttempts } from './linkSupport/otaOverLink';
import type { ProcessOutput } from './linkSupport/processOutput';
import { orderProblem, readingNumbers } from './linkSupport/readings';

const PARTITION_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A cellular-like link: 50 ms each way, 2 Mbit/s. */
const SHAPE = { delayMs: 50, rateKbit: 2000 };

describe('link faults: 5 s partitions (relay in one namespace, agents and QEMU in another)', function () {
  this.timeout(180_000);
  let fleet: LinkFleet;
  let adapter: string;
  let v2: { elf: string; buildId: string };
  let follower: ProcessOutput;

  before(async function () {
    if (!linkSupport().ok) this.skip();
    this.timeout(600_000);
    const [bundles, v1, built2] = await Promise.all([linkBundles(), buildFirmware(), buildFirmware('2.0.0')]);
    adapter = bundles.adapter;
    v2 = built2;
    fleet = await LinkFleet.start({ cli: bundles.cli, firmware: v1.elf, shape: SHAPE, prefix: 'lp', keepaliveSec: 5 });
    await Promise.all([fleet.startDevice('field-1'), fleet.startDevice('field-2')]);
    // Follows field-1's log for the whole suite: every reading once and in order, whatever the link did.
    follower = fleet.spawnCli(['logs', 'field-1', '--follow']);
    await follower.waitFor(/reading #\d+ /, 30_000);
  });

  after(async () => {
    await fleet?.close();
  });

  /** `outpost exec DEVICE -- CMD…` from namespace A: the device answers through the link. */
  const exec = async (device: string, ...command: string[]): Promise<string> => {
    const run = fleet.spawnCli(['exec', device, '--', ...command]);
    const code = await run.exited;
    assert.equal(code, 0, `exec ${command.join(' ')} on ${device}: ${run.stderr}`);
    return run.stdout;
  };

  it('an idle fleet: every device is online again and answers', async () => {
    const from = fleet.presence.length;
    await fleet.partition(PARTITION_MS);
    for (const name of ['field-1', 'field-2']) {
      assert.match(await exec(name, 'version'), /^app u5-sensor\nversion 1\.0\.0\n/m);
      const listed = await fleet.admin.request('devices.get', { name });
      assert.equal(listed.online, true, `${name} is listed online`);
      // Shorter than the relay's silence limit (2 keepalives + a tick): either never offline, or offline then online.
      const changes = fleet.presenceOf(name, from);
      assert.notEqual(changes.at(-1), 'offline', `${name}: ${changes.join(' → ')}`);
    }
  });

  it('a debug session paused at a breakpoint: it resumes or ends with one clear line, and the device runs on', async () => {
    const c = await startClient(adapter, 'link partition 5 s during a debug session');
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(c.dc, 'output');
    const terminated = new Promise<void>((resolve) => c.dc.once('terminated', () => resolve()));
    let ended = false;
    void terminated.then(() => (ended = true));
    const device = await LogsTail.open(fleet.admin, 'field-1', 0);
    try {
      await fleet.attach(c.dc, 'field-1', (await buildFirmware()).elf, c.logFile + '.mi');
      const frames = await stopAtReport({ dc: c.dc, stops: c.stops, outputs, device });
      assert.equal(frames[0].name, 'report');

      // A step asked while the link is cut: GDB's packets wait in TCP until it heals.
      await fleet.link.cut('loss');
      const during = Promise.all([c.stops.next(60_000), c.dc.nextRequest({ threadId: 1 })]).then(
        () => 'stepped',
        (e: Error) => `error: ${e.message}`,
      );
      await new Promise((r) => setTimeout(r, PARTITION_MS));
      await fleet.link.restore();
      const answer = await during;
      if (!ended) {
        assert.equal(answer, 'stepped', 'the step asked during the partition completes after it');
        const after = await c.dc.stackTraceRequest({ threadId: 1 });
        assert.equal(after.body.stackFrames[0].name, 'report');
        await c.dc.disconnectRequest({});
      } else {
        const said: string[] = [];
        while (outputs.pending > 0) said.push((await outputs.next()).body.output);
        const endings = said.filter((l) => /session ends/.test(l));
        assert.equal(endings.length, 1, `one line says why the session ended: ${said.join('')}`);
      }
    } finally {
      device.close();
      await stopClient(c.dc);
    }
    // Not left halted: the device prints new readings (through a fresh logs channel).
    const after = await LogsTail.open(fleet.admin, 'field-1', 0);
    try {
      await after.waitFor(/reading #/, 20_000, 0);
    } finally {
      after.close();
    }
  });

  it('an OTA transfer: it resumes where the device was, sends at most one window more than the image, confirms', async () => {
    const ota = await deployOverLink(fleet, v2.elf, 'field-2', { padTo: 512 * 1024 });
    await downloadedAtLeast(ota, 1, 60_000);
    await fleet.partition(PARTITION_MS);
    const final = await ota.final;
    assert.equal(final.status, 'succeeded', JSON.stringify(final.devices));
    assert.equal(final.devices['field-2'].state, 'confirmed');
    // The relay logs an attempt once its channel closes, which may be just after the deployment is final.
    while (!transferAttempts(fleet, ota.id).some((a) => a.ended !== 'closed')) await sleep(100);
    const attempts = transferAttempts(fleet, ota.id);
    const sent = attempts.reduce((n, a) => n + a.bytesSent, 0);
    const window = Math.max(...attempts.map((a) => a.maxWindow));
    assert.ok(
      sent <= ota.imageSize + window,
      `${sent} bytes sent for a ${ota.imageSize}-byte image (window ${window}, ${attempts.length} attempts)`,
    );
    // Never restarted from zero: after the first progress the device's offset only grows.
    const bytes = ota.seen.filter((s) => s.state === 'downloading').map((s) => s.bytes);
    assert.deepEqual(
      bytes,
      [...bytes].sort((a, b) => a - b),
      `download offsets ${bytes.join(' ')}`,
    );
    assert.match(await exec('field-2', 'version'), new RegExp(`^version 2\\.0\\.0\\nbuild-id ${v2.buildId}$`, 'm'));
  });

  it('a console session: a command typed during the partition is answered after it, and the session goes on', async () => {
    const session = fleet.spawnCli(['console', 'field-1']);
    const stdin = session.child.stdin!;
    try {
      stdin.write('get interval_ms\r');
      await session.waitFor(/^interval_ms 1000\r?$/m, 30_000);
      await fleet.link.cut('loss');
      const mark = session.stdout.length;
      stdin.write('version\r');
      await new Promise((r) => setTimeout(r, PARTITION_MS));
      await fleet.link.restore();
      await session.waitFor(/^version 1\.0\.0\r?$/m, 30_000, mark);
      stdin.write('get interval_ms\r');
      await session.waitFor(/^interval_ms 1000\r?$/m, 30_000, mark);
    } finally {
      stdin.end();
    }
    assert.equal(await session.exited, 0, session.stderr);
  });

  it('afterwards: the log stream had every reading once and in order; the relay store is sound', async () => {
    const seen = readingNumbers(follower.stdout);
    assert.ok(seen.length > 5, `readings followed: ${seen.length}`);
    assert.equal(orderProblem(seen), undefined);
    await follower.stop('SIGINT');
    assert.equal(await fleet.stopRelay(), 0);
    assertStoreConsistent(fleet.dataDir);
  });
});
