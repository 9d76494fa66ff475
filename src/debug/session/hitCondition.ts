// Parses DAP hit conditions into what GDB can do (an ignore count) or what the adapter counts itself (every Nth hit).

/** How a hit condition is enforced: GDB skips the first `ignore` hits; `every` stops on each Nth hit only. */
export type HitRule = { ignore: number } | { every: number };

/** "5", "==5", ">=5" stop from the 5th hit; ">5" from the 6th; "%5" every 5th. Anything else is an error string. */
export function parseHitCondition(text: string): HitRule | string {
  const m = /^\s*(==|>=|>|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return `hit count "${text}" must be N, >= N, > N or % N`;
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) return `hit count "${text}" must be at least 1`;
  if (m[1] === '%') return { every: n };
  if (m[1] === '>') return { ignore: n };
  return { ignore: n - 1 };
}
