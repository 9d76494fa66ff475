// The extension host's own account of running extensions ("Developer: Show Running Extensions").
import type { Page } from 'playwright-core';
import { poll } from './poll';
import { runCommand } from './quickInput';
import { readWholeList, type IndexedRow } from './virtualList';

/** One extension the extension host runs. */
export interface RunningExtension {
  /** The row's accessible label: the extension's name (e.g. `outpost`). */
  name: string;
  /** The display name. */
  displayName: string;
  version: string;
  /** As shown, e.g. "Activation: 32ms", "Startup Activation: 66ms", "Activating..."; '' if not activated. */
  activation: string;
  /** The number in `activation` (VS Code's code-loading + activate-call time), undefined if not activated. */
  activationMs: number | undefined;
}

/**
 * Opens the Running Extensions editor and reads all its rows; with `waitFor`, once the extension of that name shows
 * an activation time (it finished activating).
 */
export async function runningExtensions(page: Page, waitFor?: string): Promise<RunningExtension[]> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const list = page.locator('.runtime-extensions-editor .monaco-list').first();
  const readRendered = (): Promise<IndexedRow<RunningExtension>[]> =>
    list.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => {
        const activation = e.querySelector('.activation-time')?.textContent?.trim() ?? '';
        const ms = /([\d.]+)\s*ms/.exec(activation);
        return {
          index: Number(e.getAttribute('data-index')),
          row: {
            name: e.getAttribute('aria-label') ?? '',
            displayName: e.querySelector('.name')?.textContent?.trim() ?? '',
            version: e.querySelector('.version')?.textContent?.trim() ?? '',
            activation,
            activationMs: ms ? Number(ms[1]) : undefined,
          },
        };
      }),
    );
  const read = async (): Promise<RunningExtension[]> =>
    (await list.count()) === 0 ? [] : readWholeList(page, list, readRendered);
  return poll(
    read,
    (rows) => rows.length > 0 && (!waitFor || rows.some((r) => r.name === waitFor && r.activationMs !== undefined)),
    {
      what: waitFor ? `"${waitFor}" among the running extensions, activated` : 'the running extensions list',
    },
  );
}
