// Values typed into the debugger for a register or field, and the register value that changes one field only.
import { fieldMask, mask } from './decode';
import { SvdError, SvdErrorCode } from './errors';
import type { SvdField, SvdRegister } from './model';

/**
 * Parses what a person typed: a number (`10`, `0x1f`, `0b101`) or, for a field, an enumerated name; the text the
 * debugger shows (`1 (Enabled)`) is taken too. Throws SvdError BadInput when it is neither or does not fit.
 */
export function parseInput(text: string, bits: number, field?: SvdField): bigint {
  const t = text.trim().replace(/\s*\([^)]*\)$/, '');
  let value: bigint | undefined;
  if (/^(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(t)) value = BigInt(t.toLowerCase());
  else if (field) {
    value = field.enums.find((e) => !e.isDefault && e.name.toLowerCase() === t.toLowerCase())?.value;
  }
  if (value === undefined) {
    const names = field?.enums.filter((e) => !e.isDefault).map((e) => e.name) ?? [];
    const hint = names.length > 0 ? `, or one of ${names.join(', ')}` : '';
    throw new SvdError(SvdErrorCode.BadInput, `"${text}" is not a number (10, 0x1f, 0b101)${hint}`);
  }
  if (value > mask(bits)) throw new SvdError(SvdErrorCode.BadInput, `${text} does not fit in ${bits} bits`);
  return value;
}

/** Whether a debugger may write a register or field. */
export const isWritable = (access: SvdField['access']): boolean => access !== 'read-only';

/**
 * The register value to write so that only `field` changes: the value read, with `field` set and every other field
 * that reacts to a written 1 (write-one-to-clear status flags) or 0 given the value that leaves it alone, and
 * write-only fields (which read back as nothing meaningful) as 0.
 */
export function fieldWriteValue(current: bigint, register: SvdRegister, field: SvdField, value: bigint): bigint {
  let out = current;
  for (const other of register.fields) {
    if (other === field) continue;
    const m = fieldMask(other);
    const w = other.modifiedWriteValues;
    if (w === 'oneToClear' || w === 'oneToSet' || w === 'oneToToggle' || other.access === 'write-only') out &= ~m;
    else if (w === 'zeroToClear' || w === 'zeroToSet' || w === 'zeroToToggle') out |= m;
  }
  const m = fieldMask(field);
  return (out & ~m) | ((value << BigInt(field.lsb)) & m);
}
