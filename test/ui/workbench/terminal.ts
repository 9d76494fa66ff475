// The integrated terminal: what its screen shows, and typing into it (shells and extension Pseudoterminals alike).
import type { Page } from 'playwright-core';
import { DEFAULT_UI_TIMEOUT_MS } from './poll';

const VISIBLE_TERMINAL = '.terminal-wrapper:visible .xterm';

/**
 * The text on the visible terminal's screen, one string per line with trailing blanks trimmed. Reads xterm's DOM
 * rows, so the harness runs VS Code with `terminal.integrated.gpuAcceleration: "off"`; only the viewport is read
 * (not scrollback). With split terminals, their screens are joined by a blank line.
 */
export async function terminalText(page: Page): Promise<string> {
  const screens = await page.locator(VISIBLE_TERMINAL).evaluateAll((terms) =>
    terms.map((t) =>
      [...t.querySelectorAll('.xterm-rows > div')]
        .map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())
        .join('\n')
        .trimEnd(),
    ),
  );
  return screens.join('\n\n');
}

/** The names of the open terminals: the single tab in the panel's title, or the tabs list once there are several. */
export async function terminalNames(page: Page): Promise<string[]> {
  return page
    .locator('.single-terminal-tab:visible, .terminal-tabs-entry:visible .label-name')
    .evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? '').filter(Boolean));
}

/** Focuses the visible terminal and types `text` followed by Enter, as a user would. */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  const term = page.locator(VISIBLE_TERMINAL).first();
  await term.waitFor({ state: 'visible', timeout: DEFAULT_UI_TIMEOUT_MS });
  await term.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}
