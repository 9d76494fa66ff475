// Remote debugging in real VS Code: a breakpoint set in the sample firmware's source stops a QEMU device reached
// through the relay; the Call Stack and the editor show where, and disconnecting leaves the device running.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useLiveFleet } from './liveFleet';
import { UI_ARTIFACTS_DIR } from './harness';
import { nextUartLine, sourceLine } from './sampleFirmware';

describe('Remote debugging a simulated device', function () {
  const { fleet, vscode } = useLiveFleet({ devices: 1 });

  it('stops at a breakpoint in sum_readings, shows its frame and line, and the device runs on after disconnect', async () => {
    const wb = vscode();
    const device = fleet().members[0].name;
    await wb.openViewContainer('Outpost');
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => rows.some((r) => r.label === device && /1\.0\.0/.test(r.description) && !/offline/.test(r.description)),
      { what: `${device} online in the Fleet view` },
    );
    // The first statement of sum_readings (the running average calls it after every reading, once a second).
    const source = fs.readFileSync(path.join(wb.workspace, 'src', 'sensor.c'), 'utf8');
    const line = sourceLine(source, /^static int32_t sum_readings\(/) + 1;
    await wb.openFile('src/sensor.c');
    await wb.toggleBreakpoint(line);
    await wb.poll(
      () => wb.editorGlyphs(),
      (g) => g.some((x) => x.line === line && x.icon.startsWith('debug-breakpoint')),
      { what: `a breakpoint glyph on line ${line} of sensor.c` },
    );

    await wb.runCommand('Debug: Start Debugging'); // the workspace's launch.json: attach to sensor-01, pioEnv sim
    const stack = await wb.poll(
      () => wb.callStack(),
      (rows) => rows.some((r) => r.kind === 'frame' && r.name === 'main'),
      { what: 'the device stopped at the breakpoint, its stack down to main', timeoutMs: 90_000 },
    );
    const frames = stack.filter((r) => r.kind === 'frame');
    assert.equal(frames[0].name, 'sum_readings', JSON.stringify(stack));
    assert.equal(frames[0].file, 'sensor.c');
    assert.equal(frames[0].line.split(':')[0], String(line));
    // One thread: VS Code shows its state in the view's title instead of a thread row.
    assert.match(await wb.callStackState(), /paused on breakpoint/i);
    // Its callers, down to the firmware's main loop.
    assert.ok(
      frames.some((f) => f.name === 'sensor_average'),
      JSON.stringify(frames),
    );
    assert.equal(frames[frames.length - 1].name, 'main');
    // The editor shows the stopped line.
    assert.equal(await wb.activeEditorTitle(), 'sensor.c');
    const glyphs = await wb.poll(
      () => wb.editorGlyphs(),
      (g) => g.some((x) => x.icon.startsWith('debug-stackframe')),
      { what: 'the current-line marker in the editor' },
    );
    assert.deepEqual(
      glyphs.filter((x) => x.icon.startsWith('debug-stackframe')).map((x) => x.line),
      [line],
    );
    // Variables shows the frame's arguments: n, how many readings are left to sum (at least the one just taken).
    const variables = await wb.poll(
      () => wb.treeRows('Variables'),
      (rows) => rows.some((r) => /^n, value \d+$/.test(r.ariaLabel)),
      { what: 'the argument n in the Variables view' },
    );
    const n = Number(/\d+$/.exec(variables.find((r) => /^n, value/.test(r.ariaLabel))!.ariaLabel)![0]);
    assert.ok(n >= 1, `n = ${n}`);
    await wb.page.mouse.move(800, 680); // over the Debug Console's empty lines: no hover in the screenshot
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'remote-debug-breakpoint-sum-readings.png'));

    // sum_readings is recursive: Continue stops again at once, one call deeper.
    await wb.runCommand('Debug: Continue');
    await wb.poll(
      () => wb.callStack(),
      (rows) =>
        rows.filter((r) => r.kind === 'frame' && r.name === 'sum_readings').length >
        frames.filter((f) => f.name === 'sum_readings').length,
      { what: 'a stop one recursion deeper after Continue' },
    );
    await wb.runCommand('Debug: Disconnect');
    await wb.poll(
      () => wb.callStack(),
      (rows) => rows.length === 0,
      { what: 'the debug session to end' },
    );
    // Detaching removed the breakpoint and resumed the core: the firmware reports its next reading.
    const reading = await nextUartLine(fleet().devices.get(device)!, /reading #\d+/, 15_000);
    assert.match(reading, /temp=/);
    await wb.openViewContainer('Outpost');
    const rows = await wb.treeRows('Fleet');
    assert.doesNotMatch(rows.find((r) => r.label === device)?.description ?? 'missing', /offline/);
  });
});
