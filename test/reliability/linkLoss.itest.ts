// Link faults, 30 % packet loss each way between the relay (namespace A) and the devices (B): an OTA, a console
// exchange and a debug attach with a stack trace all complete, slowly but correctly, with no spurious timeout.
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildFirmware, EventQueue, startClient, stopClient } from '../debug/harness';
import { LogsTail } from '../debug/remoteFleet';
import { stopAtReport } from '../debug/scenarios';
import { linkSupport } from '../support/netem';
import { linkBundles } from './linkSupport/bundles';
import { assertStoreConsistent } from './support/checks';
import { LinkFleet } from './linkSupport/linkFleet';
import { deployOverLink } from './linkSupport/otaOverLink';

/** 50 ms each way; the loss is switched on once the devices are up. */
const SHAPE = { delayMs: 50, rateKbit: 2000 };
const LOSS = { lossPercent: 30 };

describe('link faults: 30 % packet loss (relay in one namespace, agents and QEMU in another)', function () {
  this.timeout(300_000);
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
    // Devices keep the default keepalive (10 min), as in the field.
    fleet = await LinkFleet.start({ cli: bundles.cli, firmware: v1.elf, shape: SHAPE, prefix: 'lo' });
    await Promise.all([fleet.startDevice('lossy-1'), fleet.startDevice('lossy-2')]);
    await fleet.link.set(LOSS);
  });

  after(async () => {
    await fleet?.close();
  });

  it('an OTA completes: the device verified the image hash and runs the new build', async () => {
    const ota = await deployOverLink(fleet, v2.elf, 'lossy-2', { healthTimeoutMs: 120_000 });
    const final = await ota.final;
    assert.equal(final.status, 'succeeded', JSON.stringify(final.devices));
    assert.equal(final.devices['lossy-2'].state, 'confirmed');
    const run = fleet.spawnCli(['exec', 'lossy-2', '--', 'version']);
    assert.equal(await run.exited, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^version 2\\.0\\.0\\nbuild-id ${v2.buildId}$`, 'm'));
    assert.notEqual(v2.buildId, v1.buildId);
  });

  it('a console exchange completes, each answer whole and in order', async () => {
    const session = fleet.spawnCli(['console', 'lossy-1']);
    const stdin = session.child.stdin!;
    for (const [command, answer] of [
      ['version', /^build-id [0-9a-f]{40}\r?$/m],
      ['get interval_ms', /^interval_ms 1000\r?$/m],
      ['set interval_ms 900', /^interval_ms 900\r?$/m],
      ['get interval_ms', /^interval_ms 900\r?$/m],
      ['set interval_ms 1000', /^interval_ms 1000\r?$/m],
    ] as const) {
      const mark = session.stdout.length;
      stdin.write(`${command}\r`);
      await session.waitFor(answer, 60_000, mark);
    }
    stdin.end();
    assert.equal(await session.exited, 0, session.stderr);
  });

  it('a debug attach and stack trace complete without a timeout', async () => {
    const c = await startClient(adapter, 'link 30 percent loss debug attach');
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(c.dc, 'output');
    const device = await LogsTail.open(fleet.admin, 'lossy-1', 0);
    try {
      await fleet.attach(c.dc, 'lossy-1', v1.elf, c.logFile + '.mi');
      const frames = await stopAtReport({ dc: c.dc, stops: c.stops, outputs, device });
      assert.deepEqual(
        frames.slice(0, 3).map((f) => f.name),
        ['report', 'sensor_step', 'main'],
      );
      const scopes = (await c.dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
      const locals = (await c.dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body;
      assert.ok(locals.variables.some((v) => v.name === 'rd'));
      await c.dc.disconnectRequest({});
    } finally {
      device.close();
      await stopClient(c.dc);
    }
    const after = await LogsTail.open(fleet.admin, 'lossy-1', 0);
    try {
      await after.waitFor(/reading #/, 30_000, 0);
    } finally {
      after.close();
    }
  });

  it('afterwards: the relay store is sound', async () => {
    assert.equal(await fleet.stopRelay(), 0);
    assertStoreConsistent(fleet.dataDir);
  });
});
