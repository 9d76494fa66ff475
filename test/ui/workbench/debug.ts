// Debugging as the workbench shows it: the Call Stack view and the Debug Console (REPL) in the panel.
import type { Page } from 'playwright-core';
import { DEFAULT_UI_TIMEOUT_MS } from './poll';
import { runCommand } from './quickInput';
import { expandView, openViewContainer } from './views';

/** One row of the Call Stack view. */
export interface CallStackRow {
  kind: 'session' | 'thread' | 'frame' | 'other';
  /** Session, thread or function name. */
  name: string;
  /** For a session or thread: its state, e.g. "Paused on breakpoint", "Running"; '' otherwise. */
  state: string;
  /** For a frame: file name as shown ("main.c"), '' otherwise. */
  file: string;
  /** For a frame: "line:column" as shown ("42:1"), '' otherwise. */
  line: string;
}

/** Opens Run and Debug and reads the Call Stack view's rendered rows, top to bottom. */
export async function callStack(page: Page): Promise<CallStackRow[]> {
  await openViewContainer(page, 'Run and Debug');
  const pane = await expandView(page, 'Call Stack');
  // No helper functions inside evaluate callbacks: the test runner's transpiler would wrap them in a helper
  // (`__name`) that does not exist in the page.
  const rows = await pane.locator('.monaco-list-row').evaluateAll((els) =>
    els.map((e) => {
      const pick = ['.expression', '.name', '.state-label', '.state', '.file-name', '.line-number'].map(
        (sel) => e.querySelector(sel)?.textContent?.trim() ?? '',
      );
      const [expression, name, stateLabel, state, file, line] = pick;
      const kind = e.querySelector('.stack-frame')
        ? 'frame'
        : e.querySelector('.thread')
          ? 'thread'
          : e.querySelector('.session')
            ? 'session'
            : 'other';
      return {
        index: Number(e.getAttribute('data-index')),
        kind: kind as CallStackRow['kind'],
        name: kind === 'frame' ? expression : name || (e.getAttribute('aria-label') ?? ''),
        state: kind === 'frame' ? '' : stateLabel || state,
        file: kind === 'frame' ? file : '',
        line: kind === 'frame' ? line : '',
      };
    }),
  );
  return rows.sort((a, b) => a.index - b.index).map(({ index: _index, ...row }) => row);
}

/**
 * The state the Call Stack view's title shows for a session with a single thread ("Paused on breakpoint",
 * "Running"; VS Code then hides the session and thread rows), '' when there is none. Opens Run and Debug.
 */
export async function callStackState(page: Page): Promise<string> {
  await openViewContainer(page, 'Run and Debug');
  const pane = await expandView(page, 'Call Stack');
  const state = pane.locator('.pane-header .call-stack-state-message');
  if ((await state.count()) === 0 || !(await state.first().isVisible())) return '';
  return ((await state.first().textContent()) ?? '').trim();
}

/** Shows the Debug Console and returns its lines (output and evaluation results), oldest first. */
export async function debugConsoleLines(page: Page): Promise<string[]> {
  await showDebugConsole(page);
  const rows = await page.locator('.repl:visible .monaco-list-row').evaluateAll((els) =>
    // The row's accessible label is its text without badges and source links.
    els.map((e) => ({
      i: Number(e.getAttribute('data-index')),
      text: e.getAttribute('aria-label') ?? e.textContent ?? '',
    })),
  );
  return rows.sort((a, b) => a.i - b.i).map((r) => r.text.trim());
}

/** Types `expression` into the Debug Console's input and presses Enter (the debug adapter answers in the console). */
export async function evaluateInDebugConsole(page: Page, expression: string): Promise<void> {
  await showDebugConsole(page);
  const input = page.locator('.repl:visible .repl-input-wrapper .monaco-editor textarea');
  await input.waitFor({ state: 'attached', timeout: DEFAULT_UI_TIMEOUT_MS });
  await input.focus();
  await page.keyboard.type(expression);
  await page.keyboard.press('Enter');
}

async function showDebugConsole(page: Page): Promise<void> {
  if (await page.locator('.repl:visible').count()) return;
  await runCommand(page, 'Debug Console: Focus on Debug Console View');
  await page.locator('.repl:visible').waitFor({ timeout: DEFAULT_UI_TIMEOUT_MS });
}
