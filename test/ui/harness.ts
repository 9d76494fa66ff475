// UI test harness: real VS Code (code-server) with the packaged extension, driven in Debian's Chromium by playwright-core.
//
// Usage in a test/ui/*.uitest.ts file:
//
//   describe('fleet view', function () {
//     const vscode = useWorkbench({ settings: { 'outpost.relay': relayUrl } });
//     it('lists devices', async () => {
//       const wb = vscode();
//       await wb.openViewContainer('Outpost');
//       await wb.poll(() => wb.treeRows('Fleet'), (rows) => rows.length === 3, { what: 'three devices' });
//     });
//   });
//
// One code-server + one browser per describe block (start-up costs ~10 s); a screenshot of every test lands in
// test-results/ui/<test>.png, and on a failure the VS Code logs are copied next to it.
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'mocha';
import { Workbench, type WorkbenchOptions } from './workbench/workbench';

export { Workbench, type WorkbenchOptions } from './workbench/workbench';
export type { TreeRow, ViewWelcome } from './workbench/views';
export type { Notification } from './workbench/notifications';
export type { CallStackRow } from './workbench/debug';
export type { CodeLens, Glyph } from './workbench/editor';
export type { RunningExtension } from './workbench/extensions';
export { DEFAULT_UI_TIMEOUT_MS, type PollOptions } from './workbench/poll';
export { packExtension } from './workbench/pack';

/** The project root (this file is test/ui/harness.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The packaged extension the UI tests install by default (`npm run package`); $OUTPOST_VSIX picks another build. */
export const OUTPOST_VSIX = process.env.OUTPOST_VSIX ?? path.join(REPO_ROOT, 'dist', 'outpost.vsix');
/** Where screenshots and logs of UI tests are kept (CI keeps the folder as an artifact). */
export const UI_ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-results', 'ui');

/**
 * The packaged Outpost extension, checked to exist and to be at least as new as the bundle it packs, so a test
 * never silently runs an old build.
 */
export function outpostVsix(): string {
  const bundle = path.join(REPO_ROOT, 'dist', 'extension.js');
  if (!existsSync(OUTPOST_VSIX)) {
    throw new Error(`${OUTPOST_VSIX} is missing; run \`npx webpack --mode production && npm run package\``);
  }
  if (!process.env.OUTPOST_VSIX && existsSync(bundle) && statSync(bundle).mtimeMs > statSync(OUTPOST_VSIX).mtimeMs) {
    throw new Error(`${OUTPOST_VSIX} is older than dist/extension.js; run \`npm run package\``);
  }
  return OUTPOST_VSIX;
}

/** A file-name-safe version of a test title. */
export function artifactName(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 120) || 'test'
  );
}

/**
 * Registers mocha hooks in the calling describe block: `before` starts code-server (with the packaged Outpost
 * extension unless `options.extensions` says otherwise) and Chromium and waits for the workbench; `afterEach`
 * saves a screenshot of every test; `after` stops everything and removes the temporary folders. Returns an
 * accessor for the running workbench, valid inside tests and hooks that run after `before`.
 *
 * `options` may be a function, called in `before`: register the hooks that start what the options depend on (a
 * relay whose URL goes into `settings`, say) before calling useWorkbench, so that they run first.
 */
export function useWorkbench(
  options: WorkbenchOptions | (() => WorkbenchOptions | Promise<WorkbenchOptions>) = {},
): () => Workbench {
  let wb: Workbench | undefined;
  let suiteName = 'ui';
  let failed = false;

  before(async function (this: Context) {
    suiteName = artifactName(this.test?.parent?.fullTitle() ?? 'ui');
    await mkdir(UI_ARTIFACTS_DIR, { recursive: true });
    const opts = typeof options === 'function' ? await options() : options;
    const extensions = opts.extensions ?? [outpostVsix()];
    wb = await Workbench.start({ ...opts, extensions, logFile: path.join(UI_ARTIFACTS_DIR, `${suiteName}.log`) });
  });

  afterEach(async function (this: Context) {
    const test = this.currentTest;
    if (!wb || !test) return;
    const name = artifactName(test.fullTitle());
    if (test.state === 'failed') failed = true;
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, `${name}.png`));
    const report = path.join(UI_ARTIFACTS_DIR, `${name}.failure.txt`);
    if (test.state === 'failed') await writeFile(report, await wb.describeScreen());
    else await rm(report, { force: true }); // a report from an earlier failed run would mislead
  });

  after(async function () {
    if (!wb) return;
    if (failed && existsSync(wb.logsDir))
      await cp(wb.logsDir, path.join(UI_ARTIFACTS_DIR, `${suiteName}.vscode-logs`), { recursive: true });
    await wb.close();
    wb = undefined;
  });

  return () => {
    if (!wb) throw new Error('the workbench is not running: use it inside it()/hooks after useWorkbench’s before');
    return wb;
  };
}
