// The text editor: opening files, going to a line, its code lenses and the glyphs in its margin (breakpoints, the
// line a debugger stopped on).
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_UI_TIMEOUT_MS, poll } from './poll';
import { runCommand } from './quickInput';

/** One code lens as shown above a line. */
export interface CodeLens {
  /** Its text without the icon, e.g. "Deploy OTA". */
  title: string;
  /** Its tooltip (the extension's `tooltip`). */
  tooltip: string;
  /** The 1-based line it stands above, and that line's text. */
  line: number;
  lineText: string;
}

/** What the glyph margin shows on a line. */
export interface Glyph {
  line: number;
  /** The codicon name without `codicon-`: `debug-breakpoint`, `debug-breakpoint-unverified`, `debug-stackframe`, … */
  icon: string;
}

const ACTIVE_EDITOR = '.editor-group-container.active .editor-instance .monaco-editor';

/** The editor of the active editor group. */
function activeEditor(page: Page): Locator {
  return page.locator(ACTIVE_EDITOR).first();
}

/** The active editor tab's title (the file name), '' when no editor is open. */
export async function activeEditorTitle(page: Page): Promise<string> {
  const tab = page.locator('.editor-group-container.active .tab.active').first();
  return (await tab.count()) ? ((await tab.getAttribute('aria-label')) ?? '').replace(/, .*$/, '') : '';
}

/**
 * Opens the workspace file `relPath` (e.g. `src/sensor.c`) with Quick Open, as a user types it, and waits until its
 * editor is active.
 */
export async function openFile(page: Page, relPath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: DEFAULT_UI_TIMEOUT_MS });
  await input.pressSequentially(relPath);
  const name = relPath.split('/').pop()!;
  // The row of that very file (the list fills in as results arrive, so Enter could take another one first).
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
  });
  await row.first().waitFor({ timeout: DEFAULT_UI_TIMEOUT_MS });
  await row.first().click();
  await poll(
    () => activeEditorTitle(page),
    (t) => t === name,
    { what: `${relPath} in the active editor` },
  );
  await activeEditor(page).locator('.view-lines').waitFor({ timeout: DEFAULT_UI_TIMEOUT_MS });
}

/** Moves the cursor of the active editor to `line` (Go to Line…) and reveals it. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await runCommand(page, 'Go to Line/Column...');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`:${line}`);
  await input.press('Enter');
  await poll(
    () => page.locator('.statusbar-item[id="status.editor.selection"]').first().textContent(),
    (t) => (t ?? '').includes(`Ln ${line},`),
    { what: `the cursor on line ${line}` },
  );
}

/** Toggles a breakpoint on `line` of the active editor the way a user does without the mouse: Go to Line, F9. */
export async function toggleBreakpoint(page: Page, line: number): Promise<void> {
  await goToLine(page, line);
  await runCommand(page, 'Debug: Toggle Breakpoint');
}

// Rendered line numbers of the active editor by their vertical position (glyphs and lenses are placed by it).
async function renderedLines(editor: Locator): Promise<{ top: number; bottom: number; line: number; text: string }[]> {
  return editor.evaluate((e) => {
    const numbers = [...e.querySelectorAll('.margin-view-overlays > div')].map((d) => ({
      top: d.getBoundingClientRect().top,
      bottom: d.getBoundingClientRect().bottom,
      line: Number(d.querySelector('.line-numbers')?.textContent?.trim() ?? ''),
    }));
    const texts = [...e.querySelectorAll('.view-lines .view-line')].map((d) => ({
      top: d.getBoundingClientRect().top,
      text: (d.textContent ?? '').replace(/\u00a0/g, ' '),
    }));
    return numbers
      .filter((n) => n.line > 0)
      .map((n) => ({ ...n, text: texts.find((t) => Math.abs(t.top - n.top) < 2)?.text ?? '' }))
      .sort((a, b) => a.top - b.top);
  });
}

/** The glyphs in the active editor's margin on the lines now rendered, top to bottom. */
export async function editorGlyphs(page: Page): Promise<Glyph[]> {
  const editor = activeEditor(page);
  if ((await editor.count()) === 0) return [];
  const lines = await renderedLines(editor);
  const glyphs = await editor.locator('.glyph-margin-widgets > .cgmr').evaluateAll((els) =>
    els.map((g) => ({
      top: g.getBoundingClientRect().top,
      icons: [...g.classList].filter((c) => c.startsWith('codicon-')).map((c) => c.slice('codicon-'.length)),
    })),
  );
  return glyphs
    .flatMap((g) => {
      const at = lines.find((l) => Math.abs(l.top - g.top) < 2);
      return at ? g.icons.map((icon) => ({ line: at.line, icon })) : [];
    })
    .sort((a, b) => a.line - b.line);
}

/** The code lenses of the active editor on the lines now rendered, top to bottom. */
export async function codeLenses(page: Page): Promise<CodeLens[]> {
  const editor = activeEditor(page);
  if ((await editor.count()) === 0) return [];
  const lines = await renderedLines(editor);
  const lenses = await editor.locator('.codelens-decoration a').evaluateAll((els) =>
    els.map((a) => ({
      top: a.getBoundingClientRect().top,
      title: (a.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
      tooltip: a.getAttribute('title') ?? '',
    })),
  );
  return lenses.flatMap((lens) => {
    // A lens sits in a zone right above its line: the first line below it.
    const below = lines.find((l) => l.top > lens.top);
    return below ? [{ title: lens.title, tooltip: lens.tooltip, line: below.line, lineText: below.text }] : [];
  });
}

/** Clicks the code lens titled `title` over the line whose text is `lineText` (e.g. `[env:sim]`), waiting for it. */
export async function clickCodeLens(page: Page, title: string, lineText: string): Promise<void> {
  const lenses = await poll(
    () => codeLenses(page),
    (l) => l.some((c) => c.title === title && c.lineText.trim() === lineText),
    { what: `code lens "${title}" over ${lineText}` },
  );
  const index = lenses.filter((c) => c.title === title).findIndex((c) => c.lineText.trim() === lineText);
  await activeEditor(page).locator('.codelens-decoration a', { hasText: title }).nth(index).click();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
