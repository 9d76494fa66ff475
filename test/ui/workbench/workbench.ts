// One VS Code window under test: a code-server process, a Chromium showing it, and typed helpers over its UI.
import { appendFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startCodeServer, type CodeServerHandle } from '../../../src/cli/demo/codeServer';
import { createLogger } from '../../../src/common/log';
import { callStack, callStackState, debugConsoleLines, evaluateInDebugConsole } from './debug';
import {
  activeEditorTitle,
  clickCodeLens,
  codeLenses,
  editorGlyphs,
  goToLine,
  openFile,
  toggleBreakpoint,
} from './editor';
import { runningExtensions } from './extensions';
import { clickNotificationAction, notifications, waitForNotification } from './notifications';
import { DEFAULT_UI_TIMEOUT_MS, poll, type PollOptions } from './poll';
import {
  answerInputBox,
  listCommands,
  openCommandPalette,
  pickQuickItem,
  pickQuickItems,
  quickInputPrompt,
  runCommand,
} from './quickInput';
import { terminalNames, terminalText, typeInTerminal } from './terminal';
import {
  activityBarTitles,
  clickTreeRow,
  clickWelcomeButton,
  openViewContainer,
  treeRowContextMenu,
  treeRows,
  viewWelcome,
} from './views';

/** Chromium as root in a sandbox without network: the flags TOOLCHAIN.md lists (Playwright adds --headless). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Settings the harness adds for reliable reading of the screen (on top of the launcher's defaults). */
const HARNESS_SETTINGS: Record<string, unknown> = {
  // xterm's DOM renderer, so terminal text can be read from the page.
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.reduceMotion': 'on',
  'editor.accessibilitySupport': 'off',
};

/** How a workbench is set up. */
export interface WorkbenchOptions {
  /** Packaged extensions (.vsix) to install; useWorkbench defaults to `[outpostVsix()]`, `[]` installs none. */
  extensions?: readonly string[];
  /** A folder whose contents are copied into the (temporary) workspace, e.g. `examples/u5-sensor`. */
  workspaceFrom?: string;
  /**
   * Opens this folder itself as the workspace instead of a temporary copy, as `outpost demo` does (its builds then
   * keep the paths their debug info names); the test owns it and removes it.
   */
  folder?: string;
  /** Files written into the workspace, by relative path (e.g. `.vscode/launch.json`). */
  files?: Record<string, string>;
  /** User settings, e.g. `{ 'outpost.relay': 'ws://127.0.0.1:PORT' }`. */
  settings?: Record<string, unknown>;
  /**
   * Environment for code-server and the extension host, over the harness's: HOME (and XDG dirs) point into the
   * temporary folder and OUTPOST_RELAY / OUTPOST_KEY are removed, so nothing from the machine's own
   * ~/.config/outpost leaks into a test. `undefined` removes a variable.
   */
  env?: Record<string, string | undefined>;
  /** Browser window size (default 1400×900). */
  viewport?: { width: number; height: number };
  /** Appends code-server's output and the page's console errors here. */
  logFile?: string;
}

/** A running VS Code in Chromium. Every reader waits for nothing; use `poll` to wait for what a test expects. */
export class Workbench {
  private constructor(
    /** The Playwright page showing the workbench, for anything the helpers do not cover. */
    readonly page: Page,
    /** code-server's address. */
    readonly url: string,
    /** The workspace folder VS Code has open (a temporary copy, or `folder`). */
    readonly workspace: string,
    /** VS Code's logs folder (extension host, output channels). */
    readonly logsDir: string,
    private readonly root: string,
    private readonly server: CodeServerHandle,
    private readonly browser: BrowserContext,
  ) {}

  /** Starts code-server and Chromium in a fresh temporary folder and waits until the workbench is ready. */
  static async start(opts: WorkbenchOptions = {}): Promise<Workbench> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'outpost-ui-'));
    const log = (line: string): void => {
      if (opts.logFile) appendFileSync(opts.logFile, line + '\n');
    };
    let server: CodeServerHandle | undefined;
    let browser: BrowserContext | undefined;
    try {
      if (opts.folder && opts.workspaceFrom) throw new Error('give either folder or workspaceFrom, not both');
      const workspace = opts.folder ?? path.join(root, 'workspace');
      await mkdir(workspace, { recursive: true });
      if (opts.workspaceFrom) await cp(opts.workspaceFrom, workspace, { recursive: true });
      for (const [rel, text] of Object.entries(opts.files ?? {})) {
        await mkdir(path.dirname(path.join(workspace, rel)), { recursive: true });
        await writeFile(path.join(workspace, rel), text);
      }
      const userDataDir = path.join(root, 'user-data');
      const home = path.join(root, 'home');
      await mkdir(home, { recursive: true });
      const env = {
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local', 'share'),
        XDG_CACHE_HOME: path.join(home, '.cache'),
        OUTPOST_RELAY: undefined,
        OUTPOST_KEY: undefined,
        ...opts.env,
      };
      server = await startCodeServer({
        port: 0,
        folder: workspace,
        userDataDir,
        extensionsDir: path.join(root, 'extensions'),
        vsix: opts.extensions ?? [],
        settings: { ...HARNESS_SETTINGS, ...opts.settings },
        env,
        log: createLogger('code-server', log, 'debug'),
      });
      browser = await chromium.launchPersistentContext(path.join(root, 'chromium'), {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: opts.viewport ?? { width: 1400, height: 900 },
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error') log(`[browser] ${m.text()}`);
      });
      page.on('pageerror', (e) => log(`[page error] ${e.message}`));
      const wb = new Workbench(page, server.url, workspace, path.join(userDataDir, 'logs'), root, server, browser);
      await wb.open();
      return wb;
    } catch (err) {
      await browser?.close();
      await server?.stop();
      await rm(root, { recursive: true, force: true });
      throw err;
    }
  }

  /** Loads the workbench page and waits until its parts are laid out and the Explorer entry is there. */
  async open(): Promise<void> {
    await this.page.goto(this.url);
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: DEFAULT_UI_TIMEOUT_MS });
    await this.poll(
      () => activityBarTitles(this.page),
      (t) => t.includes('Explorer'),
      { what: 'the workbench' },
    );
  }

  /** Reloads the window (like "Developer: Reload Window") and waits until it is ready again. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.open();
  }

  /** Polls `read` until `accept` holds; see poll.ts. */
  poll<T>(read: () => Promise<T>, accept: (value: T) => boolean, opts: PollOptions): Promise<T> {
    return poll(read, accept, opts);
  }

  // Command palette and quick inputs (quickInput.ts)
  runCommand = (title: string, timeoutMs?: number): Promise<void> => runCommand(this.page, title, timeoutMs);
  listCommands = (query: string): Promise<string[]> => listCommands(this.page, query);
  openCommandPalette = async (query: string): Promise<void> => void (await openCommandPalette(this.page, query));
  pickQuickItem = (label: string, timeoutMs?: number): Promise<void> => pickQuickItem(this.page, label, timeoutMs);
  pickQuickItems = (labels: readonly string[]): Promise<void> => pickQuickItems(this.page, labels);
  answerInputBox = (text: string, prompt?: RegExp): Promise<void> => answerInputBox(this.page, text, prompt);
  quickInputPrompt = (): Promise<string> => quickInputPrompt(this.page);

  // Views (views.ts)
  activityBarTitles = (): Promise<string[]> => activityBarTitles(this.page);
  openViewContainer = (title: string, timeoutMs?: number): Promise<void> =>
    openViewContainer(this.page, title, timeoutMs);
  treeRows = (view: string): ReturnType<typeof treeRows> => treeRows(this.page, view);
  clickTreeRow = (view: string, label: string): Promise<void> => clickTreeRow(this.page, view, label);
  treeRowContextMenu = (view: string, label: string, item: string): Promise<void> =>
    treeRowContextMenu(this.page, view, label, item);
  viewWelcome = (view: string): ReturnType<typeof viewWelcome> => viewWelcome(this.page, view);
  clickWelcomeButton = (view: string, label: string): Promise<void> => clickWelcomeButton(this.page, view, label);

  // Editors (editor.ts)
  openFile = (relPath: string): Promise<void> => openFile(this.page, relPath);
  activeEditorTitle = (): Promise<string> => activeEditorTitle(this.page);
  goToLine = (line: number): Promise<void> => goToLine(this.page, line);
  toggleBreakpoint = (line: number): Promise<void> => toggleBreakpoint(this.page, line);
  editorGlyphs = (): ReturnType<typeof editorGlyphs> => editorGlyphs(this.page);
  codeLenses = (): ReturnType<typeof codeLenses> => codeLenses(this.page);
  clickCodeLens = (title: string, lineText: string): Promise<void> => clickCodeLens(this.page, title, lineText);

  // Notifications (notifications.ts)
  notifications = (): ReturnType<typeof notifications> => notifications(this.page);
  waitForNotification = (pattern: RegExp, opts?: Partial<PollOptions>): ReturnType<typeof waitForNotification> =>
    waitForNotification(this.page, pattern, opts);
  clickNotificationAction = (pattern: RegExp, action: string): Promise<void> =>
    clickNotificationAction(this.page, pattern, action);

  // Debugging (debug.ts)
  callStack = (): ReturnType<typeof callStack> => callStack(this.page);
  callStackState = (): Promise<string> => callStackState(this.page);
  debugConsoleLines = (): Promise<string[]> => debugConsoleLines(this.page);
  evaluateInDebugConsole = (expression: string): Promise<void> => evaluateInDebugConsole(this.page, expression);

  // Terminal (terminal.ts)
  terminalText = (): Promise<string> => terminalText(this.page);
  terminalNames = (): Promise<string[]> => terminalNames(this.page);
  typeInTerminal = (text: string): Promise<void> => typeInTerminal(this.page, text);

  // Extension host (extensions.ts)
  runningExtensions = (waitFor?: string): ReturnType<typeof runningExtensions> => runningExtensions(this.page, waitFor);

  /** Saves a PNG of the whole window. */
  async screenshot(file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  /** A plain-text account of the screen (activity bar, notifications, quick input), for a failed test's report. */
  async describeScreen(): Promise<string> {
    const parts: string[] = [`url: ${this.url}`, `workspace: ${this.workspace}`];
    const add = async (label: string, read: () => Promise<unknown>): Promise<void> => {
      try {
        parts.push(`${label}: ${JSON.stringify(await read(), null, 2)}`);
      } catch (err) {
        parts.push(`${label}: unreadable (${String(err)})`);
      }
    };
    await add('activity bar', () => this.activityBarTitles());
    await add('notifications', () => this.notifications());
    await add('quick input', () => this.quickInputPrompt());
    await add('terminal', () => this.terminalText());
    return parts.join('\n') + '\n';
  }

  /** Closes Chromium, stops code-server and removes the temporary folders. */
  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}
