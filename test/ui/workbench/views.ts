// Side-bar views: activity-bar entries, view panes, tree rows and the welcome content a view shows when empty.
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_UI_TIMEOUT_MS, poll } from './poll';
import { readWholeList } from './virtualList';

/** One rendered row of a tree view (custom TreeDataProvider views as well as built-in ones). */
export interface TreeRow {
  /** The item's label. */
  label: string;
  /** The dimmer text after the label (TreeItem.description), '' when none. */
  description: string;
  /** 1 for top-level items. */
  depth: number;
  /** true/false for a collapsible item, undefined for a leaf. */
  expanded: boolean | undefined;
  /** The row's accessible label (TreeItem.accessibilityInformation or label + description). */
  ariaLabel: string;
}

/** What a view shows instead of a tree while it has no items (contributes.viewsWelcome). */
export interface ViewWelcome {
  /** The paragraphs of text, in order. */
  text: string[];
  /** The labels of its buttons (command links written as `[Label](command:id)` on a line of their own). */
  buttons: string[];
}

const ACTIVITY_ITEMS = '.part.activitybar .action-item:has(> a.action-label)';

/**
 * The titles of the activity-bar entries, top to bottom, without keybinding hints or badge text ("Explorer",
 * "Run and Debug", "Outpost", …).
 */
export async function activityBarTitles(page: Page): Promise<string[]> {
  const labels = await page
    .locator(`${ACTIVITY_ITEMS} > a.action-label`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  // "Run and Debug (Ctrl+Shift+D) - 1 active session" → "Run and Debug"
  return labels.map((l) => l.replace(/ \(.*$/s, '').replace(/ - .*$/s, ''));
}

/**
 * Shows the view container whose activity-bar entry is titled `title` (e.g. `'Outpost'`, `'Run and Debug'`), waiting
 * for the entry to appear (an extension's container appears once the extension is registered). Never toggles an
 * already open container closed.
 */
export async function openViewContainer(page: Page, title: string, timeoutMs = DEFAULT_UI_TIMEOUT_MS): Promise<void> {
  const titles = await poll(
    () => activityBarTitles(page),
    (t) => t.includes(title),
    {
      what: `"${title}" in the activity bar`,
      timeoutMs,
    },
  );
  const item = page.locator(ACTIVITY_ITEMS).nth(titles.indexOf(title));
  const isOpen = async (): Promise<boolean> =>
    (await item.getAttribute('class'))?.split(' ').includes('checked') === true &&
    (await page.locator('.part.sidebar').isVisible());
  if (!(await isOpen())) await item.locator('> a.action-label').click();
  await poll(isOpen, (open) => open, { what: `the "${title}" side bar to open`, timeoutMs });
}

/** The pane (header + body) of the view titled `title` in the side bar or panel; case-insensitive. */
export function viewPane(page: Page, title: string): Locator {
  const header = page
    .locator('.pane-header h3.title')
    .filter({ hasText: new RegExp(`^\\s*${escape(title)}\\s*$`, 'i') });
  return page.locator('.pane:visible').filter({ has: header }).first();
}

/** Expands the view's pane if it is collapsed, so its body renders. */
export async function expandView(page: Page, title: string): Promise<Locator> {
  const pane = viewPane(page, title);
  await pane.waitFor({ state: 'visible', timeout: DEFAULT_UI_TIMEOUT_MS });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

/** The rows of a tree view, top to bottom, as far as they are expanded (scrolls through a long list to read all). */
export async function treeRows(page: Page, viewTitle: string): Promise<TreeRow[]> {
  const pane = await expandView(page, viewTitle);
  const list = pane.locator('.pane-body .monaco-list[role="tree"]').first();
  if ((await list.count()) === 0) return [];
  return readWholeList(page, list, () =>
    list.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => {
        const expanded = e.getAttribute('aria-expanded');
        return {
          index: Number(e.getAttribute('data-index')),
          row: {
            label: e.querySelector('.label-name')?.textContent?.trim() ?? '',
            description: e.querySelector('.label-description')?.textContent?.trim() ?? '',
            depth: Number(e.getAttribute('aria-level') ?? '1'),
            expanded: expanded === null ? undefined : expanded === 'true',
            ariaLabel: e.getAttribute('aria-label') ?? '',
          },
        };
      }),
    ),
  );
}

/** Clicks the tree row labelled `label` in view `viewTitle` (selects it; expands or collapses a parent). */
export async function clickTreeRow(page: Page, viewTitle: string, label: string): Promise<void> {
  const pane = await expandView(page, viewTitle);
  const row = pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) });
  await row.first().click();
}

/**
 * Right-clicks the tree row labelled `label` in view `viewTitle` and picks `item` from its context menu (e.g.
 * `'Open Console'`); fails naming the menu's items when it has no such entry.
 */
export async function treeRowContextMenu(page: Page, viewTitle: string, label: string, item: string): Promise<void> {
  const pane = await expandView(page, viewTitle);
  const row = pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) });
  await row.first().click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: DEFAULT_UI_TIMEOUT_MS });
  const entries = menu.locator('.action-item:not(.disabled) .action-label:not(.separator)');
  const labels = (await entries.allTextContents()).map((t) => t.trim());
  const at = labels.indexOf(item);
  if (at === -1) {
    await page.keyboard.press('Escape');
    throw new Error(
      `"${item}" is not in the context menu of ${label} in ${viewTitle}; it offers ${JSON.stringify(labels)}`,
    );
  }
  // A click that lands as the menu opens can be ignored (VS Code guards against the right-click's own mouse-up),
  // so the entry is focused by hovering and chosen with Enter, as from the keyboard.
  const entry = menu
    .locator('.action-item')
    .filter({ has: page.locator('.action-label', { hasText: new RegExp(`^\\s*${escape(item)}\\s*$`) }) })
    .first();
  await entry.hover();
  await poll(
    async () => (await entry.getAttribute('class')) ?? '',
    (cls) => cls.split(' ').includes('focused'),
    { what: `"${item}" focused in the context menu` },
  );
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: DEFAULT_UI_TIMEOUT_MS });
}

/** The welcome content view `viewTitle` shows now, or undefined when it shows its tree instead. */
export async function viewWelcome(page: Page, viewTitle: string): Promise<ViewWelcome | undefined> {
  const pane = await expandView(page, viewTitle);
  const content = pane.locator('.pane-body.welcome .welcome-view-content');
  if ((await content.count()) === 0 || !(await content.first().isVisible())) return undefined;
  return content.first().evaluate((c) => ({
    text: [...c.querySelectorAll('p')].map((p) => p.textContent?.trim() ?? '').filter(Boolean),
    buttons: [...c.querySelectorAll('.monaco-button')].map((b) => b.textContent?.trim() ?? ''),
  }));
}

/** Clicks the welcome-content button labelled `label` in view `viewTitle`. */
export async function clickWelcomeButton(page: Page, viewTitle: string, label: string): Promise<void> {
  const pane = await expandView(page, viewTitle);
  await pane.locator('.pane-body.welcome .monaco-button', { hasText: label }).first().click();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
