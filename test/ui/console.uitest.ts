// The device console in real VS Code: opened from a device's context menu in the Fleet view, a terminal on the
// firmware's command interpreter (end-to-end encrypted through the relay) that answers what the user types.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { UI_ARTIFACTS_DIR } from './harness';
import { useLiveFleet } from './liveFleet';
import { sourceLine } from './sampleFirmware';

describe('Device console in a terminal', function () {
  const { fleet, vscode } = useLiveFleet({ devices: 1 });

  it("opens from the Fleet view's context menu and shows the firmware's answer to `version`", async () => {
    const wb = vscode();
    const device = fleet().members[0].name;
    const { version, buildId } = fleet().firmware;
    assert.ok(version && buildId, 'the sample states its version and build id');
    await wb.openViewContainer('Outpost');
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => rows.some((r) => r.label === device && !/offline/.test(r.description)),
      { what: `${device} online in the Fleet view` },
    );
    await wb.treeRowContextMenu('Fleet', device, 'Open Console');
    await wb.poll(
      () => wb.terminalText(),
      (t) => t.includes(`Outpost console of ${device} via ${fleet().relay.url}`),
      { what: `the console banner for ${device}` },
    );
    assert.ok((await wb.terminalNames()).includes(`Outpost: ${device}`), JSON.stringify(await wb.terminalNames()));
    await wb.typeInTerminal('version');
    const screen = await wb.poll(
      () => wb.terminalText(),
      (t) => /^build-id \S+/m.test(t),
      { what: "the firmware's answer to `version`" },
    );
    assert.match(screen, new RegExp(`^version ${version.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(screen, new RegExp(`^build-id ${buildId}$`, 'm'));
    assert.match(screen, /^board stm32u5-sim$/m);
    // The command's source above its answer, for the screenshot.
    const commands = fs.readFileSync(path.join(wb.workspace, 'src', 'commands.c'), 'utf8');
    await wb.openFile('src/commands.c');
    await wb.goToLine(sourceLine(commands, /^static int cmd_version\(/));
    await wb.runCommand('Notifications: Clear All Notifications'); // code-server's tip on terminal keybindings
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'console-version.png'));
  });
});
