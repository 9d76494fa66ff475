// Builders for memory, register, disassembly and expression MI commands.
import { miAddress, miCount, miQuote } from '../quote';
import { miCommand, type MiFrameContext } from './context';

/** `-data-read-memory-bytes addr count`. */
export function dataReadMemoryBytes(address: number, count: number): string {
  return miCommand('-data-read-memory-bytes', [miAddress(address), miCount(count, 'byte count')]);
}

/** `-data-write-memory-bytes addr hex`. */
export function dataWriteMemoryBytes(address: number, bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex === '') throw new RangeError('nothing to write');
  return miCommand('-data-write-memory-bytes', [miAddress(address), hex]);
}

/** `-data-list-register-names`. */
export const dataListRegisterNames = (): string => '-data-list-register-names';

/** `-data-list-register-values --skip-unavailable x nums…` in a frame. */
export function dataListRegisterValues(ctx: MiFrameContext, numbers: number[]): string {
  return miCommand(
    '-data-list-register-values',
    ['--skip-unavailable', 'x', ...numbers.map((n) => miCount(n, 'register number'))],
    ctx,
  );
}

/** `-data-disassemble -s start -e end -- 5`: raw opcodes with source lines. */
export function dataDisassemble(start: number, end: number): string {
  return miCommand('-data-disassemble', ['-s', miAddress(start), '-e', miAddress(end), '--', '5']);
}

/** `-data-evaluate-expression expr`, in a frame when given. */
export function dataEvaluateExpression(expression: string, ctx?: MiFrameContext): string {
  return miCommand('-data-evaluate-expression', [miQuote(expression)], ctx);
}
