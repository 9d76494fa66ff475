// Parsers for option values shared by commands: tags, durations, counts, listen addresses, keys and names.
import { isPublicKeyText } from '../protocol/control';
import { isName } from '../protocol/json';
import { usageError } from './errors';

/** `--tag k=v` values as a record; a bad one throws a usage error naming it. */
export function parseTags(values: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw usageError(`bad --tag "${v}": write it as key=value`);
    tags[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return tags;
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A duration like `90`, `45s`, `30m`, `1h`, `7d` in seconds (a plain number is seconds). */
export function parseDuration(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * units[m[2] || 's'] : NaN;
  if (!(seconds > 0)) throw usageError(`bad --${option} "${text}": use a duration like 90s, 30m, 1h or 7d`);
  return seconds;
}

/** A whole number ≥ 1. */
export function parsePositiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`bad --${option} "${text}": use a whole number of at least 1`);
  }
  return n;
}

/** `HOST:PORT`, `[v6]:PORT` or `PORT` (host 127.0.0.1). */
export function parseListen(option: string, text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw usageError(`bad --${option} "${text}": use HOST:PORT, e.g. 127.0.0.1:7600`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

/** `--pubkey KEY` (required): the public key `outpost keys new` printed, trimmed. */
export function parsePublicKey(text: string | undefined): string {
  if (!text) throw usageError('missing --pubkey KEY: the public key printed by outpost keys new');
  const key = text.trim();
  if (!isPublicKeyText(key)) {
    throw usageError('--pubkey is not a public key: give the 43-character base64url text printed by outpost keys new');
  }
  return key;
}

/** `--trust KEY`… values, trimmed; the first that is not a public key throws a usage error naming it. */
export function parseTrustKeys(values: readonly string[]): string[] {
  const keys = values.map((k) => k.trim());
  const bad = values.find((_, i) => !isPublicKeyText(keys[i]));
  if (bad !== undefined) throw usageError(`--trust "${bad}" is not a public key (43 base64url characters)`);
  return keys;
}

/** A device or operator name given as `--option`. */
export function parseName(option: string, text: string): string {
  if (!isName(text)) {
    throw usageError(`bad --${option} "${text}": letters, digits, . _ - (at most 64), starting with a letter or digit`);
  }
  return text;
}
