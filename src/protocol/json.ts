// Small checks for untrusted JSON: the shapes the protocol accepts, so parsers stay declarative.

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string of 1..max characters. */
export function isText(value: unknown, max = 256): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** A finite integer within [min, max]. */
export function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const tagKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/** Device and operator names: letters, digits, `.`, `_`, `-`, starting alphanumeric, at most 64 characters. */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && namePattern.test(value);
}

/** Tags: at most 32 pairs, keys like names (plus `/`), values strings of at most 256 characters. */
export function isTags(value: unknown): value is Record<string, string> {
  if (!isRecord(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 32 && entries.every(([k, v]) => tagKeyPattern.test(k) && typeof v === 'string' && v.length <= 256)
  );
}
