// A debug session on a device while an OTA image is downloading to it, over an emulated slow link (relay in one
// network namespace, agent + QEMU in another): the session attaches, stops at a breakpoint, steps and reads the
// stack while the transfer goes on, and the transfer goes on while the core is halted; the update then confirms.
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildFirmware, EventQueue, startClient, stopClient } from '../../debug/harness';
import { LogsTail } from '../../debug/remoteFleet';
import { stopAtReport } from '../../debug/scenarios';
import { linkBundles } from '../../reliability/linkSupport/bundles';
import { LinkFleet } from '../../reliability/linkSupport/linkFleet';
import { deployOverLink, downloadedAtLeast, type OtaUnderWay } from '../../reliability/linkSupport/otaOverLink';
import { linkSupport } from '../../support/netem';

/** Slow enough that a 1 MiB image takes about 20 s: 500 kbit/s, 50 ms round trip. */
const SHAPE = { delayMs: 25, rateKbit: 500 };
const IMAGE_BYTES = 1024 * 1024;

/** The device's download offset as the operator last saw it (0 before the first progress). */
function downloaded(ota: OtaUnderWay): number {
  return Math.max(0, ...ota.seen.filter((s) => s.state === 'downloading').map((s) => s.bytes));
}

describe('OTA: a debug session on the same device during the transfer', function () {
  this.timeout(300_000);
  let fleet: LinkFleet;
  let adapter: string;

  before(async function () {
    if (!linkSupport().ok) this.skip();
    this.timeout(600_000);
    const [bundles, v1] = await Promise.all([linkBundles(), buildFirmware()]);
    adapter = bundles.adapter;
    fleet = await LinkFleet.start({ cli: bundles.cli, firmware: v1.elf, shape: SHAPE, prefix: 'od' });
    await fleet.startDevice('field-1');
  });
  after(async () => fleet?.close());

  it('stays responsive (attach, breakpoint, step, stack) while the image downloads, and the update confirms', async () => {
    const v2 = await buildFirmware('2.0.0');
    const ota = await deployOverLink(fleet, v2.elf, 'field-1', { padTo: IMAGE_BYTES });
    await downloadedAtLeast(ota, 32 * 1024, 60_000);

    const c = await startClient(adapter, 'debug during an OTA transfer');
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(c.dc, 'output');
    const device = await LogsTail.open(fleet.admin, 'field-1', 0);
    let before = 0;
    let whileHalted = 0;
    try {
      await fleet.attach(c.dc, 'field-1', (await buildFirmware()).elf, c.logFile + '.mi');
      before = downloaded(ota);
      const frames = await stopAtReport({ dc: c.dc, stops: c.stops, outputs, device });
      assert.equal(frames[0].name, 'report');
      // The core is halted at the breakpoint; the agent keeps writing the image to its staging file.
      await downloadedAtLeast(ota, before + 64 * 1024, 60_000);
      whileHalted = downloaded(ota);
      await Promise.all([c.stops.next(60_000), c.dc.nextRequest({ threadId: 1 })]);
      const after = (await c.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
      assert.equal(after[0].name, 'report');
      const value = await c.dc.evaluateRequest({ expression: 'sizeof(int)', context: 'watch', frameId: after[0].id });
      assert.equal(value.body.result, '4');
      // All of the above happened during the transfer, not after it.
      const last = ota.seen.at(-1);
      assert.equal(last?.state, 'downloading', `the transfer was still running: ${JSON.stringify(ota.seen.slice(-3))}`);
      assert.ok(downloaded(ota) < IMAGE_BYTES);
      await c.dc.disconnectRequest({});
    } finally {
      device.close();
      await stopClient(c.dc);
    }
    assert.ok(whileHalted > before, `the download went on while the core was halted (${before} → ${whileHalted})`);
    // Detached, the device runs on; the install takes the stub once the session has let go of it.
    const final = await ota.final;
    assert.equal(final.status, 'succeeded', JSON.stringify(final.devices));
    assert.equal(final.devices['field-1'].state, 'confirmed');
  });
});
