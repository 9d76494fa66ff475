// Canonical JSON: the one byte string a signed object stands for, so signer and verifier hash the same bytes.

/** A value canonical JSON can hold: no floats, no undefined, no NaN — nothing with two spellings. */
export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

/**
 * Serialises `value` as canonical JSON: object keys sorted by UTF-16 code units (JavaScript's default sort),
 * no whitespace, strings escaped exactly as JSON.stringify does, numbers only as safe integers. Throws a
 * TypeError on anything else (floats, undefined, functions, sparse arrays), because a value with more than one
 * possible spelling must never be signed.
 */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON holds only safe integers, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError('canonical JSON holds no sparse arrays');
      items.push(canonicalJson(value[i]));
    }
    return `[${items.join(',')}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = value[key];
      if (item === undefined) throw new TypeError(`canonical JSON holds no undefined (key ${JSON.stringify(key)})`);
      parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

/** `prefix` (ASCII, ending in NUL by convention) followed by the UTF-8 canonical JSON of `value`. */
export function canonicalBytes(prefix: string, value: CanonicalValue): Buffer {
  return Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from(canonicalJson(value), 'utf8')]);
}
