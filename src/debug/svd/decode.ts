// Register and field values as a person reads them: hex register values, field bits, enumerated names.
import { enumFor } from './enums';
import type { SvdField } from './model';

/** A little-endian register value of `bits` bits from `bytes` at `offset`. */
export function registerValue(bytes: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = Math.ceil(bits / 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v & mask(bits);
}

/** The little-endian bytes of a register value. */
export function registerBytes(value: bigint, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits / 8));
  for (let i = 0; i < out.length; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** `bits` ones. */
export const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** Bits of a field within its register. */
export const fieldMask = (f: SvdField): bigint => mask(f.msb - f.lsb + 1) << BigInt(f.lsb);

/** A field's value from its register's value. */
export const fieldValue = (register: bigint, f: SvdField): bigint =>
  (register >> BigInt(f.lsb)) & mask(f.msb - f.lsb + 1);

/** A register value in hex, as wide as the register: 0x0000000b. */
export const formatRegister = (value: bigint, bits: number): string =>
  '0x' + value.toString(16).padStart(Math.ceil(bits / 4), '0');

/** A field value: 0/1 for a bit, hex otherwise, with the enumerated name when there is one: `1 (Enabled)`. */
export function formatField(value: bigint, f: SvdField): string {
  const text = f.msb === f.lsb ? value.toString() : '0x' + value.toString(16);
  const named = enumFor(f.enums, value);
  return named ? `${text} (${named.name})` : text;
}

/** A field's name with its bits: `TXEN [0]`, `BAUDDIV [19:0]`. */
export const fieldLabel = (f: SvdField): string =>
  f.msb === f.lsb ? `${f.name} [${f.lsb}]` : `${f.name} [${f.msb}:${f.lsb}]`;
