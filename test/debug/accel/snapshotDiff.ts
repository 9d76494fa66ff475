// The first difference between two JSON-like snapshots, named as a person would look for it (pure).

/** Where two values first differ and what each side holds there. */
export interface Difference {
  /** From the root: object keys, a list item's `name` when it has one, else its index as `[i]`. */
  path: string[];
  left: string;
  right: string;
}

const HEX = /^[0-9a-f]+$/;

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
}

function itemName(v: unknown, i: number): string {
  const name = v && typeof v === 'object' && 'name' in v ? (v as { name: unknown }).name : undefined;
  return typeof name === 'string' ? name : `[${i}]`;
}

/** Long hex dumps (memory) differ at a byte: say which, with the bytes around it. */
function stringDifference(path: string[], a: string, b: string): Difference {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length > 16 && HEX.test(a) && HEX.test(b)) {
    const byte = Math.floor(i / 2);
    const at = (s: string): string => s.slice(byte * 2, byte * 2 + 16) || '(end)';
    return { path: [...path, `byte +${byte}`], left: at(a), right: at(b) };
  }
  if (a.length > 120 || b.length > 120) {
    const from = Math.max(0, i - 40);
    const around = (s: string): string => JSON.stringify(s.slice(from, i + 40));
    return { path: [...path, `char ${i}`], left: around(a), right: around(b) };
  }
  return { path, left: show(a), right: show(b) };
}

/** The first place where `a` and `b` differ (depth first, in key and list order), or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path: string[] = []): Difference | undefined {
  if (a === b) return undefined;
  if (typeof a === 'string' && typeof b === 'string') return stringDifference(path, a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], [...path, itemName(a[i] ?? b[i], i)]);
      if (d) return d;
    }
    return undefined;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      const d = firstDifference(a[key], b[key], [...path, key]);
      if (d) return d;
    }
    return undefined;
  }
  return { path, left: show(a), right: show(b) };
}

/** One line for a failed comparison: `at STEP: PATH: LEFTNAME=… RIGHTNAME=…`. */
export function describeDifference(step: string, d: Difference, names: readonly [string, string]): string {
  return `at ${step}: ${d.path.join(' › ') || '(root)'}: ${names[0]}=${d.left} ${names[1]}=${d.right}`;
}
