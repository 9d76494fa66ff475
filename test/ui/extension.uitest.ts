// The packaged Outpost extension in real VS Code: it activates, shows its activity-bar entry, the Fleet view's
// not-connected welcome with a working Connect action, and its commands in the command palette.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, useWorkbench } from './harness';

interface Manifest {
  name: string;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
  };
}
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** Palette titles of the commands a user sees before connecting: those the manifest does not hide behind `when`. */
function commandsShownWhileDisconnected(): { shown: string[]; hidden: string[] } {
  const gated = new Set((manifest.contributes.menus?.commandPalette ?? []).filter((m) => m.when).map((m) => m.command));
  const title = (c: { title: string; category?: string }): string =>
    c.category ? `${c.category}: ${c.title}` : c.title;
  const all = manifest.contributes.commands;
  return {
    shown: all.filter((c) => !gated.has(c.command)).map(title),
    hidden: all.filter((c) => gated.has(c.command)).map(title),
  };
}

describe('Outpost extension in VS Code (code-server)', function () {
  const vscode = useWorkbench({ workspaceFrom: path.join(REPO_ROOT, 'examples', 'u5-sensor') });

  it('activates and shows the Outpost entry in the activity bar', async () => {
    const wb = vscode();
    await wb.openViewContainer('Outpost');
    const running = await wb.runningExtensions(manifest.name);
    const outpost = running.find((r) => r.name === manifest.name);
    assert.ok(outpost?.activationMs !== undefined, `Outpost not activated: ${JSON.stringify(running)}`);
  });

  it('shows the not-connected welcome in Fleet, whose Connect button asks for the relay URL', async () => {
    const wb = vscode();
    await wb.openViewContainer('Outpost');
    const welcome = await wb.poll(
      () => wb.viewWelcome('Fleet'),
      (w) => w !== undefined,
      {
        what: 'the Fleet welcome content',
      },
    );
    assert.match(welcome!.text.join('\n'), /connect to an outpost relay/i);
    assert.ok(welcome!.buttons.includes('Connect to Relay'), JSON.stringify(welcome));
    await wb.clickWelcomeButton('Fleet', 'Connect to Relay');
    // Left open, so the test's screenshot shows the prompt; the next palette use replaces it.
    await wb.poll(
      () => wb.quickInputPrompt(),
      (p) => /relay url/i.test(p),
      { what: 'the relay URL prompt' },
    );
  });

  it('lists the Outpost commands in the command palette', async () => {
    const wb = vscode();
    const titles = await wb.listCommands('Outpost:');
    const { shown, hidden } = commandsShownWhileDisconnected();
    assert.ok(shown.length > 0);
    assert.deepEqual(
      shown.filter((t) => !titles.includes(t)),
      [],
      `missing from the palette; it listed ${JSON.stringify(titles)}`,
    );
    // Commands that need a connection (or are internal) stay out of the palette until then.
    assert.deepEqual(
      hidden.filter((t) => titles.includes(t)),
      [],
    );
    await wb.openCommandPalette('Outpost:'); // for the screenshot
  });
});
