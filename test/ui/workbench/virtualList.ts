// Reading a whole monaco list: it renders only the rows in sight, so a long one is scrolled through with the wheel.
import type { Locator, Page } from 'playwright-core';

/** A row read from the page with its position in the whole list (`data-index`). */
export interface IndexedRow<T> {
  index: number;
  row: T;
}

/**
 * Reads every row of the monaco list `list` (a `.monaco-list` element). `readRendered` returns the rendered rows
 * with their `data-index`. A list that fits on screen is read once; a longer one is scrolled from the top with the
 * mouse wheel (which moves neither focus nor selection) and read at each step.
 */
export async function readWholeList<T>(
  page: Page,
  list: Locator,
  readRendered: () => Promise<IndexedRow<T>[]>,
): Promise<T[]> {
  const seen = new Map<number, T>();
  const add = (rows: IndexedRow<T>[]): void => rows.forEach((r) => seen.set(r.index, r.row));
  const geometry = (): Promise<{ total: number; visible: number }> =>
    list.evaluate((l) => ({
      total: l.querySelector('.monaco-list-rows')?.getBoundingClientRect().height ?? 0,
      visible: l.clientHeight,
    }));
  const { total, visible } = await geometry();
  if (total <= visible + 1 || visible === 0) {
    add(await readRendered());
  } else {
    await list.hover();
    await page.mouse.wheel(0, -total);
    for (let scrolled = 0; scrolled <= total; scrolled += Math.max(visible - 20, 20)) {
      await page.waitForTimeout(100); // one frame or two for the list to render the rows now in sight
      add(await readRendered());
      await page.mouse.wheel(0, Math.max(visible - 20, 20));
    }
    await page.waitForTimeout(100);
    add(await readRendered());
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}
