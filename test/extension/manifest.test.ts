// package.json's contributions agree with the code: every command registered, every id stable, every file there.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Commands, Views } from '../../src/extension/ids';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;
const commandIds: string[] = contributes.commands.map((c: { command: string }) => c.command);

type Recorded = { commands: string[]; treeViews: string[]; debugProviders: string[]; adapterFactories: string[] };

// A minimal `vscode` for activate(): records registrations, returns disposables, answers settings with defaults.
function fakeVscode(rec: Recorded): unknown {
  const disposable = () => ({ dispose: () => undefined });
  class EventEmitter {
    event = () => disposable();
    fire(): void {}
    dispose(): void {}
  }
  return {
    EventEmitter,
    Disposable: {
      from: (...items: Array<{ dispose(): void }>) => ({ dispose: () => items.forEach((i) => i.dispose()) }),
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class {},
    ThemeIcon: class {},
    window: {
      createOutputChannel: () => ({
        ...disposable(),
        debug() {},
        info() {},
        warn() {},
        error() {},
        show() {},
      }),
      createTreeView: (id: string) => {
        rec.treeViews.push(id);
        return disposable();
      },
      createStatusBarItem: () => ({ ...disposable(), show() {} }),
    },
    commands: {
      registerCommand: (id: string) => {
        rec.commands.push(id);
        return disposable();
      },
      executeCommand: async () => undefined,
    },
    languages: { registerCodeLensProvider: disposable },
    tasks: { onDidEndTaskProcess: disposable },
    debug: {
      registerDebugConfigurationProvider: (type: string) => {
        rec.debugProviders.push(type);
        return disposable();
      },
      registerDebugAdapterDescriptorFactory: (type: string) => {
        rec.adapterFactories.push(type);
        return disposable();
      },
    },
    // autoConnect off, everything else at its default.
    workspace: {
      getConfiguration: () => ({ get: (key: string, dflt?: unknown) => (key === 'autoConnect' ? false : dflt) }),
    },
  };
}

describe('extension manifest', () => {
  it('contributes exactly the commands the code knows, each in the Outpost category with a codicon', () => {
    assert.deepEqual([...commandIds].sort(), Object.values(Commands).sort());
    for (const c of contributes.commands) {
      assert.equal(c.category, 'Outpost', c.command);
      assert.match(c.icon, /^\$\([a-z-]+\)$/, c.command);
    }
  });

  it('has the view container and views the UI tests click', () => {
    assert.deepEqual(
      contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id),
      [Views.container],
    );
    assert.deepEqual(
      contributes.views[Views.container].map((v: { id: string; name: string }) => [v.id, v.name]),
      [
        [Views.fleet, 'Fleet'],
        [Views.deployments, 'Deployments'],
      ],
    );
    const welcome = contributes.viewsWelcome.filter((w: { view: string }) => w.view === Views.fleet);
    assert.ok(welcome.some((w: { contents: string }) => w.contents.includes('(command:outpost.connect)')));
  });

  it('only references contributed commands from menus, and only context values the models produce', () => {
    const known = new Set(commandIds);
    const itemValues = new Set<string>();
    for (const [menu, items] of Object.entries(
      contributes.menus as Record<string, Array<{ command: string; when?: string }>>,
    )) {
      for (const item of items) {
        assert.ok(known.has(item.command), `${menu} names ${item.command}`);
        for (const m of (item.when ?? '').matchAll(/viewItem == ([\w.]+)/g)) itemValues.add(m[1]);
      }
    }
    const produced = [
      'outpost.device.online',
      'outpost.device.offline',
      'outpost.deploymentDevice',
      'outpost.deployment.running',
      'outpost.deployment.paused',
    ];
    for (const v of itemValues) assert.ok(produced.includes(v), `menus use viewItem ${v}`);
  });

  it('describes every debug attribute of DESIGN.md plus gdbTarget, for attach and launch', () => {
    const dbg = contributes.debuggers.find((d: { type: string }) => d.type === 'outpost');
    assert.deepEqual(dbg.languages, ['c', 'cpp']);
    const wanted = [
      'device',
      'executable',
      'pioEnv',
      'gdbPath',
      'relay',
      'identityFile',
      'stopOnEntry',
      'svdFile',
      'initCommands',
      'trace',
      'gdbTarget',
    ];
    for (const request of ['attach', 'launch']) {
      const props = Object.keys(dbg.configurationAttributes[request].properties);
      for (const a of wanted) assert.ok(props.includes(a), `${request}.${a}`);
    }
    assert.equal(dbg.initialConfigurations[0].request, 'attach');
  });

  it('points at files that exist, and never activates on "*"', () => {
    const paths = [
      pkg.icon,
      ...contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon),
      ...contributes.grammars.map((g: { path: string }) => g.path),
      ...contributes.languages.map((l: { configuration: string }) => l.configuration),
      ...contributes.walkthroughs.flatMap((w: { steps: Array<{ media: { markdown: string } }> }) =>
        w.steps.map((s) => s.media.markdown),
      ),
    ];
    for (const p of paths) assert.ok(existsSync(join(ROOT, p)), p);
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.equal(pkg.main, './dist/extension.js');
  });

  it('registers every contributed command, both views and the debug type at activation, all disposable', () => {
    const rec: Recorded = { commands: [], treeViews: [], debugProviders: [], adapterFactories: [] };
    const vscode = fakeVscode(rec);
    const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
    const load = mod._load;
    mod._load = (req, ...rest) => (req === 'vscode' ? vscode : load(req, ...rest));
    const subscriptions: Array<{ dispose(): void }> = [];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ext = require('../../src/extension/extension') as { activate(ctx: unknown): void };
      ext.activate({ subscriptions, secrets: { get: async () => undefined } });
    } finally {
      mod._load = load;
      for (const d of subscriptions) d.dispose();
    }
    assert.deepEqual([...rec.commands].sort(), [...commandIds].sort());
    assert.deepEqual(rec.treeViews, [Views.fleet, Views.deployments]);
    assert.deepEqual(rec.debugProviders, ['outpost']);
    assert.deepEqual(rec.adapterFactories, ['outpost']);
    assert.ok(subscriptions.length >= rec.commands.length + rec.treeViews.length + 2);
  });
});
