// SVD number forms: scaledNonNegativeInteger (decimal, 0x hex, #binary, k/M/G/T suffix), enumerated values with
// don't-care bits, and the three ways a field names its bits.
import { SvdError, SvdErrorCode } from './errors';
import { textOf, type XmlElement } from './xml';

const SCALE: Record<string, bigint> = { k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n };

/** Parses an SVD integer as a bigint; `what` names the element for the error ("UART0.CTRL resetValue"). */
export function parseSvdBigInt(text: string, what: string): bigint {
  const m = /^\+?(0x[0-9a-f]+|#[01]+|[0-9]+)([kmgt]?)$/i.exec(text.trim());
  if (!m) throw new SvdError(SvdErrorCode.BadValue, `${what} is "${text}", not a number`);
  const digits = m[1];
  const value = digits.startsWith('#') ? BigInt('0b' + digits.slice(1)) : BigInt(digits.toLowerCase());
  return value * (SCALE[m[2].toLowerCase()] ?? 1n);
}

/** Parses an SVD integer that must fit a JavaScript number (addresses, offsets, sizes). */
export function parseSvdInt(text: string, what: string): number {
  const v = parseSvdBigInt(text, what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new SvdError(SvdErrorCode.BadValue, `${what} ${text} is too large`);
  return Number(v);
}

/** An enumerated value: `5`, `0x5`, `0b101`, `#101`, or `#1x1` where x bits do not matter. */
export function parseEnumValue(text: string, width: number, what: string): { value: bigint; care: bigint } {
  const all = (1n << BigInt(width)) - 1n;
  const t = text.trim();
  const bin = /^(?:#|0b)([01x]+)$/i.exec(t);
  if (!bin) return { value: parseSvdBigInt(t, what), care: all };
  const digits = bin[1].toLowerCase();
  return {
    value: BigInt('0b' + digits.replace(/x/g, '0')),
    care: BigInt('0b' + digits.replace(/[01]/g, '1').replace(/x/g, '0')) & all,
  };
}

/** The bits of a field from bitOffset/bitWidth, lsb/msb or bitRange `[msb:lsb]`. */
export function bitRangeOf(el: XmlElement, what: string): { lsb: number; msb: number } {
  const offset = textOf(el, 'bitOffset');
  if (offset !== undefined) {
    const lsb = parseSvdInt(offset, `${what} bitOffset`);
    const width = textOf(el, 'bitWidth');
    return { lsb, msb: lsb + (width === undefined ? 1 : parseSvdInt(width, `${what} bitWidth`)) - 1 };
  }
  const lsbText = textOf(el, 'lsb');
  const msbText = textOf(el, 'msb');
  if (lsbText !== undefined && msbText !== undefined) {
    return { lsb: parseSvdInt(lsbText, `${what} lsb`), msb: parseSvdInt(msbText, `${what} msb`) };
  }
  const range = textOf(el, 'bitRange');
  const m = range === undefined ? null : /^\[\s*(\d+)\s*:\s*(\d+)\s*\]$/.exec(range);
  if (!m) throw new SvdError(SvdErrorCode.BadValue, `${what} has no bit position (bitOffset, lsb/msb or bitRange)`);
  return { lsb: Number(m[2]), msb: Number(m[1]) };
}
