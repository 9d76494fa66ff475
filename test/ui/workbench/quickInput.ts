// The command palette and any quick pick or input box an extension opens (they share one quick-input widget).
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_UI_TIMEOUT_MS, poll } from './poll';

const WIDGET = '.quick-input-widget';
const INPUT = `${WIDGET} .quick-input-box input`;
const ROWS = `${WIDGET} .quick-input-list .monaco-list-row`;

/** Whether a quick-pick row's accessible label stands for `label` (VS Code appends description/detail after ", "). */
function rowMatches(ariaLabel: string | null, label: string): boolean {
  return ariaLabel === label || (ariaLabel ?? '').startsWith(`${label}, `);
}

/** The labels of the rows the open quick pick shows now (only the rendered ones: the list is virtual). */
export async function quickPickLabels(page: Page): Promise<string[]> {
  const rows = await page.locator(ROWS).evaluateAll((els) =>
    els
      .map((e) => ({
        i: Number(e.getAttribute('data-index')),
        text: e.querySelector('.label-name')?.textContent ?? '',
      }))
      .sort((a, b) => a.i - b.i)
      .map((r) => r.text.trim()),
  );
  return rows.filter((r) => r.length > 0);
}

/** Opens the command palette with `text` typed after the `>` prefix and waits until its list reacted. */
async function openPalette(page: Page, text: string): Promise<Locator> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator(INPUT);
  await input.waitFor({ state: 'visible', timeout: DEFAULT_UI_TIMEOUT_MS });
  await input.fill(`>${text}`);
  return input;
}

/**
 * Runs a command the way a user does: command palette, type its title, click the matching entry.
 * `title` is what the palette shows, with the category: `'Outpost: Connect to Relay'`. Fails, naming what the
 * palette listed, when no such command appears (not contributed, hidden by a `when` clause, extension inactive).
 */
export async function runCommand(page: Page, title: string, timeoutMs = DEFAULT_UI_TIMEOUT_MS): Promise<void> {
  const input = await openPalette(page, title);
  // Commands of an extension that is still being registered are missing at first: ask the palette again.
  await poll(
    async () => {
      const labels = await quickPickLabels(page);
      if (labels.includes(title)) return labels;
      await input.fill('>');
      await input.fill(`>${title}`);
      return quickPickLabels(page);
    },
    (labels) => labels.includes(title),
    { what: `command "${title}" in the command palette`, timeoutMs },
  );
  const row = page.locator(ROWS).filter({ has: page.locator('.label-name', { hasText: title }) });
  for (const handle of await row.all()) {
    if (rowMatches(await handle.getAttribute('aria-label'), title)) {
      await handle.click();
      return;
    }
  }
  throw new Error(`command "${title}" vanished from the palette before it could be clicked`);
}

/**
 * Opens the command palette with `query` typed and leaves it open once its list stopped changing (the list fills
 * in as command sources answer: settled = two equal reads in a row, and not empty unless it stayed so for 2 s).
 * Returns the palette's input box.
 */
export async function openCommandPalette(page: Page, query: string): Promise<Locator> {
  const input = await openPalette(page, query);
  const started = Date.now();
  let previous = '';
  await poll(
    async () => {
      const labels = await quickPickLabels(page);
      const now = JSON.stringify(labels);
      const settled = now === previous && (labels.length > 0 || Date.now() - started > 2000);
      previous = now;
      return settled;
    },
    (settled) => settled,
    { what: `the command palette list for "${query}" to settle` },
  );
  return input;
}

/**
 * Lists the command titles the palette offers for `query` (fuzzy, as a user types it), scrolling through the
 * whole list, then closes the palette.
 */
export async function listCommands(page: Page, query: string): Promise<string[]> {
  const input = await openCommandPalette(page, query);
  const seen = new Set<string>();
  for (;;) {
    const before = seen.size;
    for (const l of await quickPickLabels(page)) seen.add(l);
    if (seen.size === before) break;
    await input.press('PageDown');
  }
  await input.press('Escape');
  return [...seen];
}

/** Waits for a quick pick (e.g. one an extension command opened) to offer `label`, then picks it. */
export async function pickQuickItem(page: Page, label: string, timeoutMs = DEFAULT_UI_TIMEOUT_MS): Promise<void> {
  await poll(
    () => quickPickLabels(page),
    (labels) => labels.includes(label),
    {
      what: `"${label}" in the quick pick`,
      timeoutMs,
    },
  );
  for (const handle of await page.locator(ROWS).all()) {
    if (rowMatches(await handle.getAttribute('aria-label'), label)) return handle.click();
  }
  throw new Error(`"${label}" vanished from the quick pick before it could be clicked`);
}

/**
 * In a multi-select quick pick (`canPickMany`), ticks the rows labelled `labels` (leaving the others as they are)
 * and accepts with OK. Waits for every label first.
 */
export async function pickQuickItems(page: Page, labels: readonly string[]): Promise<void> {
  await poll(
    () => quickPickLabels(page),
    (shown) => labels.every((l) => shown.includes(l)),
    { what: `${JSON.stringify(labels)} in the quick pick` },
  );
  for (const label of labels) {
    const row = await rowFor(page, label);
    if ((await row.getAttribute('aria-checked')) !== 'true') await row.locator('.monaco-checkbox').click();
    await poll(
      async () => (await rowFor(page, label)).getAttribute('aria-checked'),
      (checked) => checked === 'true',
      { what: `"${label}" ticked in the quick pick` },
    );
  }
  await page.locator(`${WIDGET} .quick-input-action .monaco-button`, { hasText: 'OK' }).click();
}

async function rowFor(page: Page, label: string): Promise<Locator> {
  for (const handle of await page.locator(ROWS).all()) {
    if (rowMatches(await handle.getAttribute('aria-label'), label)) return handle;
  }
  throw new Error(`"${label}" is not in the quick pick`);
}

/**
 * Answers an input box an extension opened (`showInputBox`): waits for it, checks its prompt mentions `prompt`
 * when given, types `text` and presses Enter.
 */
export async function answerInputBox(page: Page, text: string, prompt?: RegExp): Promise<void> {
  const input = page.locator(INPUT);
  await input.waitFor({ state: 'visible', timeout: DEFAULT_UI_TIMEOUT_MS });
  if (prompt) {
    await poll(
      () => quickInputPrompt(page),
      (p) => prompt.test(p),
      { what: `an input box asking ${prompt}` },
    );
  }
  await input.fill(text);
  await input.press('Enter');
}

/** The open quick input's prompt, placeholder and title, joined, for matching what it asks. */
export async function quickInputPrompt(page: Page): Promise<string> {
  const widget = page.locator(WIDGET);
  if (!(await widget.isVisible())) return '';
  const parts = await widget.evaluate((w) => [
    w.querySelector('.quick-input-title')?.textContent ?? '',
    w.querySelector('.quick-input-message')?.textContent ?? '',
    w.querySelector('.quick-input-box input')?.getAttribute('placeholder') ?? '',
  ]);
  return parts.filter(Boolean).join(' | ');
}
