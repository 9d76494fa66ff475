// Link faults, a 5 minute partition: the devices' link to the relay drops every packet for 5 minutes while a
// debug session holds one device at a breakpoint and an OTA transfer to another is half way.
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
import { orderProblem, readingNumbers } from './linkSupport/readings';

const PARTITION_MS = 5 * 60_000;
const SHAPE = { delayMs: 50, rateKbit: 2000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// What a device's agent logged about its debug session, target and link (reconnect attempts left out), for a failure.
function agentStory(fleet: LinkFleet, name: string): string {
  const log = fleet.devices.get(name)?.output.stderr ?? '';
  return log
    .split('\n')
    .filter((l) => l && !/reconnect failed/.test(l))
    .map((l) => l.slice(0, 300))
    .join('\n');
}

describe('link faults: a 5 minute partition (relay in one namespace, agents and QEMU in another)', function () {
  this.timeout(PARTITION_MS + 240_000);
  let fleet: LinkFleet;
  let adapter: string;
  let v1: { elf: string; buildId: string };
  let v2: { elf: string; buildId: string };

  before(async function () {
    if (!linkSupport().ok) this.skip();
    this.timeout(600_000);
    let bundles: { cli: string; adapter: string };
    [bundles, v1, v2] = await Promise.all([linkBundles(), buildFirmware(), buildFirmware('2.0.0')]);
    adapter = bundles.adapter;
    fleet = await LinkFleet.start({ cli: bundles.cli, firmware: v1.elf, shape: SHAPE, prefix: 'll', keepaliveSec: 5 });
    await Promise.all([fleet.startDevice('far-1'), fleet.startDevice('far-2')]);
  });

  after(async () => {
    await fleet?.close();
  });

  it('devices shown offline, the deployment waits and completes after, the debug session ends with one line, nothing halted or lost', async () => {
    const follower = fleet.spawnCli(['logs', 'far-1', '--follow']);
    await follower.waitFor(/reading #\d+ /, 30_000);

    // far-1: a debug session holds it at a breakpoint.
    const c = await startClient(adapter, 'link partition 5 min during a debug session');
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(c.dc, 'output');
    const terminated = new Promise<void>((resolve) => c.dc.once('terminated', () => resolve()));
    const device = await LogsTail.open(fleet.admin, 'far-1', 0);
    try {
      await fleet.attach(c.dc, 'far-1', v1.elf, c.logFile + '.mi');
      await stopAtReport({ dc: c.dc, stops: c.stops, outputs, device });
    } finally {
      device.close();
    }

    // far-2: an OTA transfer under way.
    const ota = await deployOverLink(fleet, v2.elf, 'far-2', { padTo: 512 * 1024, healthTimeoutMs: 120_000 });
    await downloadedAtLeast(ota, 1, 60_000);
    const from = fleet.presence.length;

    await fleet.link.cut('loss');
    const cutAt = Date.now();
    try {
      // The relay cuts silent devices off (two keepalives and a tick); the operator sees them go offline.
      for (const name of ['far-1', 'far-2']) {
        while (!fleet.presenceOf(name, from).includes('offline')) {
          assert.ok(Date.now() - cutAt < 60_000, `${name} still shown online a minute into the partition`);
          await sleep(250);
        }
      }
      // The debug session ends by itself, saying why in one line.
      await Promise.race([terminated, sleep(60_000).then(() => assert.fail('the debug session did not end'))]);
      const said: string[] = [];
      while (outputs.pending > 0) said.push((await outputs.next()).body.output);
      assert.equal(said.filter((l) => /session ends/.test(l)).length, 1, said.join(''));
      // All along, the deployment waits for the device: neither failed nor gone.
      while (Date.now() - cutAt < PARTITION_MS) {
        const d = await fleet.admin.request<{ status: string; devices: Record<string, { state: string }> }>(
          'deployments.get',
          { id: ota.id },
        );
        assert.equal(d.status, 'running');
        assert.ok(['pending', 'downloading'].includes(d.devices['far-2'].state), d.devices['far-2'].state);
        await sleep(Math.min(30_000, PARTITION_MS - (Date.now() - cutAt)));
      }
    } finally {
      await fleet.link.restore();
      await stopClient(c.dc);
    }

    // The devices come back (the agent's reconnect backoff is at most a minute) and the operator sees it.
    for (const name of ['far-1', 'far-2']) {
      while (fleet.presenceOf(name, from).at(-1) !== 'online') {
        assert.ok(
          Date.now() - cutAt < PARTITION_MS + 120_000,
          `${name} not back online two minutes after the partition`,
        );
        await sleep(250);
      }
    }
    const final = await ota.final;
    assert.equal(final.status, 'succeeded', JSON.stringify(final.devices));
    assert.equal(final.devices['far-2'].state, 'confirmed');
    // The relay logs an attempt once its channel closes, which may be just after the deployment is final.
    while (!transferAttempts(fleet, ota.id).some((a) => a.ended !== 'closed')) await sleep(100);
    const attempts = transferAttempts(fleet, ota.id);
    const sent = attempts.reduce((n, a) => n + a.bytesSent, 0);
    const window = Math.max(...attempts.map((a) => a.maxWindow));
    assert.ok(attempts.length >= 2, `the transfer resumed on a new connection: ${JSON.stringify(attempts)}`);
    assert.ok(sent <= ota.imageSize + window, `${sent} bytes sent for ${ota.imageSize} (window ${window})`);

    // far-1 was released from the breakpoint when its link died: the stream shows every reading, once, in order,
    // the ones printed during the partition included. The follower reconnects on its own backoff and gets the
    // partition's lines as a replay, so wait for it to catch up rather than judge the first chunk: a device that sat
    // halted through the partition would need minutes to print that many readings, not this minute.
    const first = readingNumbers(follower.stdout)[0];
    const ranMeanwhile = first + PARTITION_MS / 1000 / 2;
    await follower.waitFor(new RegExp(`reading #${ranMeanwhile} `), 60_000).catch(() => {
      const seen = readingNumbers(follower.stdout);
      assert.fail(
        `readings ${first}…${seen.at(-1)} a minute after the link returned (want #${ranMeanwhile}): it did not run ` +
          `meanwhile; far-1's agent said:\n${agentStory(fleet, 'far-1')}`,
      );
    });
    const last = readingNumbers(follower.stdout).at(-1)!;
    await follower.waitFor(new RegExp(`reading #${last + 3} `), 60_000);
    assert.equal(orderProblem(readingNumbers(follower.stdout)), undefined);
    await follower.stop('SIGINT');

    assert.equal(await fleet.stopRelay(), 0);
    assertStoreConsistent(fleet.dataDir);
  });
});
