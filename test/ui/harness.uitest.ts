// The UI harness itself against real VS Code: every helper must read what a user sees (a probe extension, js-debug).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packExtension, useWorkbench } from './harness';

const APP_JS = `const answer = 42;
debugger;
console.log('answer is', answer);
`;
const LENSES_TXT = 'intro\n[first]\nbody\n[second]\n';
const LAUNCH_JSON = JSON.stringify({
  version: '0.2.0',
  configurations: [{ type: 'node', request: 'launch', name: 'app', program: '${workspaceFolder}/app.js' }],
});

describe('UI harness: reading VS Code in Chromium', function () {
  let tmp = '';
  let probe = '';
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'outpost-probe-'));
    probe = await packExtension(path.join(__dirname, 'fixtures', 'probe-extension'), path.join(tmp, 'probe.vsix'));
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  const vscode = useWorkbench(() => ({
    extensions: [probe],
    files: { 'app.js': APP_JS, 'lenses.txt': LENSES_TXT, '.vscode/launch.json': LAUNCH_JSON },
  }));

  it("reads an extension's activity-bar entry, tree rows and welcome content", async () => {
    const wb = vscode();
    await wb.openViewContainer('Probe');
    const rows = await wb.poll(
      () => wb.treeRows('Probe Items'),
      (r) => r.length === 4,
      { what: 'four probe rows' },
    );
    assert.deepEqual(
      rows.map((r) => [r.label, r.description, r.depth, r.expanded]),
      [
        ['alpha', 'online', 1, undefined],
        ['beta', 'offline', 1, undefined],
        ['group', '2 items', 1, true],
        ['gamma', 'child', 2, undefined],
      ],
    );
    assert.deepEqual(await wb.viewWelcome('Probe Empty'), { text: ['Nothing here yet.'], buttons: ['Say Hello'] });
    assert.equal(await wb.viewWelcome('Probe Items'), undefined);
  });

  it('runs commands from a welcome button and the palette, answers input boxes, reads notifications', async () => {
    const wb = vscode();
    await wb.openViewContainer('Probe');
    await wb.clickWelcomeButton('Probe Empty', 'Say Hello');
    const hello = await wb.waitForNotification(/Hello from the probe/);
    assert.equal(hello.severity, 'info');
    assert.deepEqual(hello.actions, ['Again']);
    await wb.runCommand('Probe: Ask Name');
    await wb.answerInputBox('Ada', /Your name/);
    const reply = await wb.waitForNotification(/Nice to meet you, Ada/);
    assert.equal(reply.severity, 'warning');
  });

  it('ticks items in a multi-select quick pick and picks from a tree row’s context menu', async () => {
    const wb = vscode();
    await wb.runCommand('Probe: Pick Many');
    await wb.pickQuickItems(['green', 'blue']);
    await wb.waitForNotification(/^Picked green, blue$/);
    await wb.openViewContainer('Probe');
    await wb.treeRowContextMenu('Probe Items', 'beta', 'Row Action');
    await wb.waitForNotification(/^Row action on beta$/);
    await assert.rejects(wb.treeRowContextMenu('Probe Items', 'beta', 'No Such Entry'), /offers \["Row Action"\]/);
  });

  it('opens files, reads code lenses and breakpoint glyphs by line, and clicks a lens', async () => {
    const wb = vscode();
    await wb.openFile('lenses.txt');
    assert.equal(await wb.activeEditorTitle(), 'lenses.txt');
    const lenses = await wb.poll(
      () => wb.codeLenses(),
      (l) => l.length === 2,
      { what: 'two probe lenses' },
    );
    assert.deepEqual(lenses, [
      { title: 'Probe Lens', tooltip: 'lens over [first]', line: 2, lineText: '[first]' },
      { title: 'Probe Lens', tooltip: 'lens over [second]', line: 4, lineText: '[second]' },
    ]);
    await wb.clickCodeLens('Probe Lens', '[second]');
    await wb.waitForNotification(/^Lens on \[second\]$/);

    await wb.openFile('app.js');
    await wb.toggleBreakpoint(3);
    await wb.poll(
      () => wb.editorGlyphs(),
      (g) => g.some((x) => x.line === 3 && x.icon === 'debug-breakpoint'),
      { what: 'a breakpoint glyph on line 3' },
    );
    await wb.toggleBreakpoint(3);
    await wb.poll(
      () => wb.editorGlyphs(),
      (g) => !g.some((x) => x.icon.startsWith('debug-breakpoint')),
      { what: 'the breakpoint removed' },
    );
  });

  it('lists the commands the palette offers', async () => {
    const titles = await vscode().listCommands('Probe:');
    for (const t of ['Probe: Say Hello', 'Probe: Ask Name', 'Probe: Pick Many', 'Probe: Open Console'])
      assert.ok(titles.includes(t), t);
    assert.ok(!titles.includes('Probe: Nonexistent'));
  });

  it('reads and types into a terminal', async () => {
    const wb = vscode();
    await wb.runCommand('Probe: Open Console');
    await wb.poll(
      () => wb.terminalText(),
      (t) => t.includes('probe>'),
      { what: 'the probe prompt' },
    );
    assert.ok((await wb.terminalNames()).some((n) => n.includes('Probe console')));
    await wb.typeInTerminal('hello');
    await wb.poll(
      () => wb.terminalText(),
      (t) => t.includes('echo: HELLO'),
      { what: 'the echoed line' },
    );
  });

  it('reads the call stack and the debug console of a paused program', async () => {
    const wb = vscode();
    await wb.runCommand('Debug: Start Debugging');
    const stack = await wb.poll(
      () => wb.callStack(),
      (rows) => rows.some((r) => r.kind === 'frame' && r.file === 'app.js'),
      { what: 'a paused frame in app.js', timeoutMs: 60_000 },
    );
    const frame = stack.find((r) => r.kind === 'frame' && r.file === 'app.js')!;
    assert.match(frame.line, /^2:/);
    assert.ok(
      stack.some((r) => /paused/i.test(r.state)),
      JSON.stringify(stack),
    );
    await wb.evaluateInDebugConsole('answer * 2');
    await wb.poll(
      () => wb.debugConsoleLines(),
      (l) => l.includes('84'),
      { what: '84 in the debug console' },
    );
    await wb.runCommand('Debug: Stop');
  });

  it("reads the extension host's activation times", async () => {
    const running = await vscode().runningExtensions('probe');
    const probeRow = running.find((r) => r.name === 'probe')!;
    assert.equal(probeRow.displayName, 'UI Harness Probe');
    assert.ok(probeRow.activationMs !== undefined && probeRow.activationMs >= 0, probeRow.activation);
  });
});
