// Builders for breakpoint and watchpoint MI commands.
import { miAddress, miCount, miQuote } from '../quote';
import { miCommand } from './context';

/** Where a breakpoint goes: a source line, a function or an instruction address. */
export type BreakLocation =
  | { kind: 'line'; file: string; line: number }
  | { kind: 'function'; name: string }
  | { kind: 'address'; address: number };

/** Options of `-break-insert`. */
export interface BreakOptions {
  condition?: string;
  ignoreCount?: number;
  temporary?: boolean;
  hardware?: boolean;
}

/** `-break-insert` with an explicit location, so file names with spaces or colons need no linespec escaping. */
export function breakInsert(loc: BreakLocation, opts: BreakOptions = {}): string {
  const p: string[] = [];
  if (opts.temporary) p.push('-t');
  if (opts.hardware) p.push('-h');
  if (opts.condition !== undefined && opts.condition.trim() !== '') p.push('-c', miQuote(opts.condition));
  if (opts.ignoreCount !== undefined && opts.ignoreCount > 0) p.push('-i', miCount(opts.ignoreCount, 'ignore count'));
  if (loc.kind === 'line') p.push('--source', miQuote(loc.file), '--line', miCount(loc.line, 'line'));
  else if (loc.kind === 'function') p.push('--function', miQuote(loc.name));
  else p.push(miQuote('*' + miAddress(loc.address)));
  return miCommand('-break-insert', p);
}

/** `-break-delete N…`. */
export function breakDelete(ids: number[]): string {
  return miCommand(
    '-break-delete',
    ids.map((id) => miCount(id, 'breakpoint id')),
  );
}

/** How a watchpoint triggers. */
export type WatchAccess = 'write' | 'read' | 'readWrite';

/** `-break-watch` (hardware watchpoint on an expression). */
export function breakWatch(expression: string, access: WatchAccess): string {
  const flag = access === 'read' ? ['-r'] : access === 'readWrite' ? ['-a'] : [];
  return miCommand('-break-watch', [...flag, miQuote(expression)]);
}

/** `-break-list`. */
export function breakList(): string {
  return '-break-list';
}
