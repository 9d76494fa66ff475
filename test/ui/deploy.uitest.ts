// One-click OTA in real VS Code: the "Deploy OTA" code lens over [env:sim] in platformio.ini signs the current build
// and rolls it out in waves to the devices the user picks; the Deployments view follows it (a device that is offline
// waits in its wave and catches up when back), the Fleet view shows the new version on the targeted devices only.
import assert from 'node:assert/strict';
import path from 'node:path';
import { UI_ARTIFACTS_DIR, type TreeRow } from './harness';
import { useLiveFleet } from './liveFleet';
import { buildSampleVersion } from './sampleFirmware';

const NEW_VERSION = '1.1.0';
const FINISHED = /^(succeeded|failed|aborted)\b/;

/** The device rows (leaves) of the Fleet tree by name (a device shows under each of its tag groups). */
function fleetDevices(rows: TreeRow[]): Map<string, string> {
  return new Map(rows.filter((r) => r.expanded === undefined).map((r) => [r.label, r.description]));
}

describe('Deploy OTA from platformio.ini', function () {
  const { fleet, vscode } = useLiveFleet({ devices: 3 });

  it('rolls the current build out to ring=main in two waves; a device offline meanwhile catches up when back', async () => {
    const wb = vscode();
    const [canary, ...main] = fleet().members.map((d) => d.name);
    const [first, away] = main; // `away` is offline during the rollout, so the planner puts it in the second wave
    await wb.openViewContainer('Outpost');
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => [...fleetDevices(rows).values()].filter((d) => /^1\.0\.0 /.test(d)).length === 3,
      { what: 'three devices online with 1.0.0' },
    );
    await fleet().stopDevice(away);
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => /offline/.test(fleetDevices(rows).get(away) ?? ''),
      { what: `${away} offline` },
    );
    // "The current build": the workspace's sim environment, rebuilt as a new version.
    await buildSampleVersion(wb.workspace, NEW_VERSION);

    await wb.openFile('platformio.ini');
    await wb.clickCodeLens('Deploy OTA', '[env:sim]');
    await wb.poll(
      () => wb.quickInputPrompt(),
      (p) => /deploy \[env:sim\] to/.test(p),
      { what: 'the targets pick for [env:sim]' },
    );
    await wb.pickQuickItems(['ring=main']);
    await wb.answerInputBox('50', /first wave/);
    const started = await wb.waitForNotification(/deployment \S+ of 1\.1\.0 started/, { timeoutMs: 60_000 });
    assert.match(started.message, /for 2 device\(s\)/);
    assert.deepEqual(started.actions, ['Show Deployments']);

    // The first wave installs and confirms; the rollout then waits in wave 2 for the device that is away.
    await wb.openViewContainer('Outpost');
    const waiting = await wb.poll(
      () => wb.treeRows('Deployments'),
      (rows) => rows.some((r) => r.label === NEW_VERSION && r.description === 'running · wave 2/2 · 1/2 confirmed'),
      { what: `the ${NEW_VERSION} rollout waiting in its second wave`, timeoutMs: 120_000 },
    );
    assert.deepEqual(
      waiting.filter((r) => r.depth > 1).map((r) => [r.label, r.description]),
      [
        ['Wave 1 (50%)', '1/1 confirmed'],
        [first, 'confirmed'],
        ['Wave 2 (50%)', '0/1 confirmed'],
        [away, 'pending'],
      ],
    );
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => fleetDevices(rows).get(first)?.startsWith(`${NEW_VERSION} `) === true,
      { what: `${first} on ${NEW_VERSION} in the Fleet view` },
    );
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'deploy-rollout-waiting.png'));

    await fleet().startDevice(away);
    const done = await wb.poll(
      () => wb.treeRows('Deployments'),
      (rows) => rows.some((r) => r.label === NEW_VERSION && FINISHED.test(r.description)),
      { what: `the ${NEW_VERSION} rollout to finish once ${away} is back`, timeoutMs: 120_000 },
    );
    assert.equal(done.find((r) => r.label === NEW_VERSION)?.description, 'succeeded · 2/2 confirmed');
    assert.equal(done.find((r) => r.label === away)?.description, 'confirmed');

    const rows = await wb.poll(
      () => wb.treeRows('Fleet'),
      (r) => main.every((d) => fleetDevices(r).get(d)?.startsWith(`${NEW_VERSION} `)),
      { what: `${main.join(', ')} on ${NEW_VERSION} in the Fleet view` },
    );
    const devices = fleetDevices(rows);
    assert.match(devices.get(canary)!, /^1\.0\.0 /, 'the canary was not targeted');
    for (const d of main) assert.doesNotMatch(devices.get(d)!, /offline/, d);
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'deploy-rollout-succeeded.png'));
  });
});
