// Typed accessors for MI results: GDB omits fields freely, so every read says what it expects.
import type { MiTuple, MiValue } from './types';

/** The string field `name`, or undefined when absent or not a string. */
export function str(t: MiTuple | undefined, name: string): string | undefined {
  const v = t && Object.hasOwn(t, name) ? t[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The numeric field `name` (decimal or 0x-hex), or undefined. */
export function num(t: MiTuple | undefined, name: string): number | undefined {
  const s = str(t, name);
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The tuple field `name`, or undefined. */
export function tuple(t: MiTuple | undefined, name: string): MiTuple | undefined {
  const v = t && Object.hasOwn(t, name) ? t[name] : undefined;
  return isTuple(v) ? v : undefined;
}

/** The list field `name` (a lone value counts as a list of one; absent is empty). */
export function list(t: MiTuple | undefined, name: string): MiValue[] {
  const v = t && Object.hasOwn(t, name) ? t[name] : undefined;
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The tuples of list field `name`, skipping anything that is not a tuple. */
export function tuples(t: MiTuple | undefined, name: string): MiTuple[] {
  return list(t, name).filter(isTuple);
}

/** True when the value is a tuple (not a string, not a list). */
export function isTuple(v: MiValue | undefined): v is MiTuple {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
