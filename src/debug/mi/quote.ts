// Quoting of MI command parameters: file paths and expressions travel as C strings so no character breaks a command.

/** Always-quoted C string for an MI parameter: backslash, quote and control characters are escaped. */
export function miQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

/** An address for MI: a number becomes 0x-hex; a string is passed as a quoted expression. */
export function miAddress(address: number | bigint | string): string {
  if (typeof address === 'string') return miQuote(address);
  if (address < 0) throw new RangeError(`negative address ${address}`);
  return '0x' + address.toString(16);
}

/** Rejects numbers that would put junk on the command line (NaN, fractions, negatives). */
export function miCount(n: number, what: string): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  return String(n);
}
