// The Fleet view in real VS Code against the demo's pieces: an embedded relay and three QEMU devices running the
// sample firmware; the editor connects on start-up with the operator key from settings and follows the fleet live.
import assert from 'node:assert/strict';
import path from 'node:path';
import { demoDevices } from '../../src/cli/demo/demoFleet';
import { UI_ARTIFACTS_DIR, type TreeRow } from './harness';
import { useLiveFleet } from './liveFleet';

/** The device rows (leaves) of the Fleet tree, one per device name (a device shows under each of its tag groups). */
function deviceRows(rows: TreeRow[]): Map<string, TreeRow> {
  return new Map(rows.filter((r) => r.expanded === undefined).map((r) => [r.label, r]));
}

describe('Fleet view with a live simulated fleet', function () {
  // What `outpost demo` gives code-server: the relay and the operator key in user settings, the sample workspace.
  const { fleet, vscode } = useLiveFleet({ devices: 3 });
  const names = demoDevices(3).map((d) => d.name);

  it('lists the three devices online with their firmware version, grouped by tag, without a Connect step', async () => {
    const wb = vscode();
    await wb.openViewContainer('Outpost');
    const rows = await wb.poll(
      () => wb.treeRows('Fleet'),
      (r) => {
        const byName = deviceRows(r);
        return names.every((n) => byName.get(n)?.description.includes(fleet().firmware.version!) === true);
      },
      { what: `${names.join(', ')} with firmware ${fleet().firmware.version} in the Fleet view` },
    );
    const byName = deviceRows(rows);
    assert.deepEqual([...byName.keys()].sort(), names);
    for (const [name, row] of byName) {
      assert.doesNotMatch(row.description, /offline/, `${name}: ${row.description}`);
      assert.match(row.description, /dBm/, `${name} shows its signal: ${row.description}`);
    }
    const groups = new Map(rows.filter((r) => r.expanded !== undefined).map((r) => [r.label, r.description]));
    assert.equal(groups.get('site=lab'), '3/3 online');
    assert.equal(groups.get('ring=canary'), '1/1 online');
    assert.equal(groups.get('ring=main'), '2/2 online');
  });

  it("attaches to sensor-01 with the workspace's launch.json and pauses it in the firmware's sources", async () => {
    const wb = vscode();
    await wb.runCommand('Debug: Start Debugging');
    // One running thread: the Call Stack shows no rows until something stops, so wait for the adapter's word.
    await wb.poll(
      () => wb.debugConsoleLines(),
      (lines) => lines.some((l) => /attached to device sensor-01/.test(l)),
      { what: '"attached to device sensor-01" in the Debug Console', timeoutMs: 60_000 },
    );
    await wb.runCommand('Debug: Pause');
    const stack = await wb.poll(
      () => wb.callStack(),
      (rows) => rows.some((r) => r.kind === 'frame' && r.file.endsWith('.c')),
      { what: 'a paused frame in a .c file of the sample firmware', timeoutMs: 60_000 },
    );
    // The firmware's main loop is at the bottom of the stack, wherever the pause caught it.
    const bottom = stack.filter((r) => r.kind === 'frame').pop()!;
    assert.equal(bottom.name, 'main', JSON.stringify(stack));
    assert.match(bottom.file, /main\.c$/);
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'fleet-view-debugging-sensor-01-paused.png'));
    await wb.runCommand('Debug: Disconnect');
    await wb.poll(
      () => wb.callStack(),
      (rows) => !rows.some((r) => r.kind === 'frame'),
      { what: 'the debug session to end' },
    );
    await wb.openViewContainer('Outpost');
  });

  it('shows a device going offline as soon as its agent stops', async () => {
    const wb = vscode();
    await wb.openViewContainer('Outpost');
    const gone = names[2];
    await fleet().stopDevice(gone);
    const rows = await wb.poll(
      () => wb.treeRows('Fleet'),
      (r) => /offline/.test(deviceRows(r).get(gone)?.description ?? ''),
      { what: `${gone} offline in the Fleet view` },
    );
    const byName = deviceRows(rows);
    for (const name of names.filter((n) => n !== gone)) {
      assert.doesNotMatch(byName.get(name)!.description, /offline/, name);
    }
    const groups = new Map(rows.filter((r) => r.expanded !== undefined).map((r) => [r.label, r.description]));
    assert.equal(groups.get('site=lab'), '2/3 online');
  });
});
