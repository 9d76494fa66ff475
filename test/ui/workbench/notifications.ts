// Notifications: the toasts in the bottom-right corner and the notification center behind the bell.
import type { Page } from 'playwright-core';
import { poll, type PollOptions } from './poll';

/** One notification as a user sees it. */
export interface Notification {
  severity: 'error' | 'warning' | 'info';
  /** The message text. */
  message: string;
  /** "Source: …" line (the extension's display name), '' when not shown. */
  source: string;
  /** Labels of its action buttons. */
  actions: string[];
}

const ITEM = '.notification-list-item';

/**
 * The notifications on screen now: visible toasts, plus the notification center's list when it is open.
 * Toasts hide themselves after a while; `showNotificationCenter` brings back every notification still pending.
 */
export async function notifications(page: Page): Promise<Notification[]> {
  const items = page.locator(`.notifications-toasts ${ITEM}:visible, .notifications-center ${ITEM}:visible`);
  const all = await items.evaluateAll((els) =>
    els.map((e) => {
      const icon = e.querySelector('.notification-list-item-icon')?.className ?? '';
      const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : 'info';
      return {
        severity: severity as 'error' | 'warning' | 'info',
        message: e.querySelector('.notification-list-item-message')?.textContent?.trim() ?? '',
        source: e.querySelector('.notification-list-item-source')?.textContent?.trim() ?? '',
        actions: [...e.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map(
          (b) => b.textContent?.trim() ?? '',
        ),
      };
    }),
  );
  // A notification can be both a toast and a center entry at once; show it once.
  const seen = new Set<string>();
  return all.filter((n) => !seen.has(n.message) && seen.add(n.message));
}

/** Waits for a notification whose message matches `pattern`, and returns it. */
export async function waitForNotification(
  page: Page,
  pattern: RegExp,
  opts: Partial<PollOptions> = {},
): Promise<Notification> {
  const found = await poll(
    () => notifications(page),
    (list) => list.some((n) => pattern.test(n.message)),
    { what: `a notification matching ${pattern}`, ...opts },
  );
  return found.find((n) => pattern.test(n.message))!;
}

/** Clicks action button `action` on the notification whose message matches `pattern`. */
export async function clickNotificationAction(page: Page, pattern: RegExp, action: string): Promise<void> {
  await waitForNotification(page, pattern);
  const item = page.locator(`${ITEM}:visible`).filter({
    has: page.locator('.notification-list-item-message', { hasText: pattern }),
  });
  await item.first().locator('.notification-list-item-buttons-container .monaco-button', { hasText: action }).click();
}
