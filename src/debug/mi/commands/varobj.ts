// Builders for variable-object MI commands (structured, pageable views of values).
import { miCount, miQuote } from '../quote';
import { miCommand, type MiFrameContext } from './context';

/** `-var-create - * expr` in a frame, or `-var-create - @ expr` (floating: follows the selected frame) without one. */
export function varCreate(expression: string, ctx?: MiFrameContext): string {
  return miCommand('-var-create', ['-', ctx ? '*' : '@', miQuote(expression)], ctx);
}

/** `-var-list-children --all-values name [from to]`: one page of children. */
export function varListChildren(name: string, from?: number, to?: number): string {
  const range = from !== undefined && to !== undefined ? [miCount(from, 'from'), miCount(to, 'to')] : [];
  return miCommand('-var-list-children', ['--all-values', miQuote(name), ...range]);
}

/** `-var-delete name`. */
export const varDelete = (name: string): string => miCommand('-var-delete', [miQuote(name)]);

/** `-var-assign name value`. */
export const varAssign = (name: string, value: string): string =>
  miCommand('-var-assign', [miQuote(name), miQuote(value)]);

/** `-var-info-path-expression name`: an expression that names this child from the frame. */
export const varInfoPathExpression = (name: string): string => miCommand('-var-info-path-expression', [miQuote(name)]);

/** `-var-set-format name fmt`. */
export const varSetFormat = (name: string, format: 'natural' | 'hexadecimal' | 'decimal'): string =>
  miCommand('-var-set-format', [miQuote(name), format]);
