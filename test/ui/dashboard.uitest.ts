// The Outpost dashboard in real VS Code: a relay and one QEMU device; the webview shows the device with a signal
// sparkline, and follows the connection live (disconnecting turns the page into the next step).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { readIdentityFile } from '../../src/common/identityFile';
import { demoDevices } from '../../src/cli/demo/demoFleet';
import { deployBuild } from '../../src/extension/deployBuild';
import { connectOperator } from '../../src/link/operatorClient';
import { UI_ARTIFACTS_DIR, type Workbench } from './harness';
import { useLiveFleet } from './liveFleet';

/** The dashboard's page: VS Code puts a webview's content in an iframe inside the webview's own iframe. */
function dashboardFrame(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
}

/** Text of the first element matching `selector` in the dashboard, or '' while there is none. */
async function textOf(frame: FrameLocator, selector: string): Promise<string> {
  const el = frame.locator(selector).first();
  return (await el.count()) ? ((await el.textContent({ timeout: 2000 })) ?? '') : '';
}

describe('Outpost dashboard with a simulated device', function () {
  const [sensor] = demoDevices(1);
  const { fleet, vscode } = useLiveFleet({ devices: 1 });

  it("shows the device's name and a signal sparkline", async () => {
    const wb = vscode();
    await wb.openViewContainer('Outpost');
    // The editor connects on start-up; wait for the device so the dashboard opens on a live fleet.
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => rows.some((r) => r.label === sensor.name && !/offline/.test(r.description)),
      { what: `${sensor.name} online in the Fleet view` },
    );
    await wb.runCommand('Outpost: Open Dashboard');
    const frame = dashboardFrame(wb);
    const row = await wb.poll(
      () => textOf(frame, '#health tbody th[scope="row"]'),
      (name) => name === sensor.name,
      { what: `${sensor.name} in the dashboard's health table` },
    );
    assert.equal(row, sensor.name);
    const spark = frame.locator('#health svg.spark.rssi').first();
    const label = await spark.getAttribute('aria-label');
    assert.match(label ?? '', new RegExp(`^Signal of ${sensor.name}.*latest -\\d+ dBm`));
    const d = await spark.locator('path.line').getAttribute('d');
    assert.match(d ?? '', /^M[\d.]+ [\d.]+L[\d.]+ [\d.]+/, 'a drawn line, not an empty path');
    const box = await spark.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `the sparkline is laid out: ${JSON.stringify(box)}`);
    assert.match(
      await textOf(frame, '#status'),
      /Connected to ws:\/\/127\.0\.0\.1:\d+ as editor \(admin\) · 1\/1 devices online/,
    );
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'dashboard-sensor-01.png'));
  });

  it('follows a rollout to the device until it is confirmed, with a state bar for its wave', async () => {
    const wb = vscode();
    // CI deploys with its own key (the relay keeps one connection per identity, and the editor holds its own).
    const client = await connectOperator({
      relay: fleet().relay.url,
      identity: readIdentityFile(fleet().relay.adminKeyFile),
      keepaliveSec: 0,
    });
    try {
      const signing = readIdentityFile(fleet().layout.signingKey);
      await deployBuild(client, fleet().firmware.elf, signing, { devices: [sensor.name], tags: [] });
    } finally {
      client.close();
    }
    const frame = dashboardFrame(wb);
    const state = await wb.poll(
      () => textOf(frame, '#rollouts table.devices tbody tr td'),
      (t) => /confirmed|failed|rolled back/.test(t),
      { what: `${sensor.name}'s update to finish on the dashboard`, timeoutMs: 180_000 },
    );
    assert.equal(state.trim(), 'confirmed');
    assert.equal(await textOf(frame, '#rollouts table.devices tbody th'), sensor.name);
    assert.equal(
      await frame.locator('#rollouts svg.bar').first().getAttribute('aria-label'),
      'All targets: 1 confirmed',
    );
    assert.match(await textOf(frame, '#rollouts h3'), /^1\.0\.0\s+succeeded$/);
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'dashboard-rollout-confirmed.png'));
  });

  it('turns into the next step when the editor disconnects, without reopening', async () => {
    const wb = vscode();
    await wb.runCommand('Outpost: Disconnect from Relay');
    const frame = dashboardFrame(wb);
    const status = await wb.poll(
      () => textOf(frame, '#status'),
      (t) => /Not connected/.test(t),
      { what: '"Not connected" on the dashboard' },
    );
    assert.match(status, /Connect to Relay…/);
    assert.equal(await frame.locator('#status a[href="command:outpost.connect"]').count(), 1);
    assert.equal(await frame.locator('#health svg').count(), 0, 'no stale sparklines');
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'dashboard-disconnected.png'));
  });
});
