// enumeratedValues: the names a field's values have, and finding the name of a value read from the target.
import type { DerivedFrom } from './derive';
import { SvdError, SvdErrorCode } from './errors';
import type { SvdEnumValue } from './model';
import { parseEnumValue } from './numbers';
import { attrOf, childrenOf, textOf, type XmlElement } from './xml';

/**
 * The named values of a field as read (usage read or read-write; write-only sets when there is nothing else). A derived set
 * is looked for in `peripheral` first.
 */
export function parseEnums(
  field: XmlElement,
  width: number,
  derive: DerivedFrom,
  peripheral: XmlElement,
  what: string,
): SvdEnumValue[] {
  const sets = childrenOf(field, 'enumeratedValues').map((set) => {
    const base = attrOf(set, 'derivedFrom');
    if (base === undefined) return set;
    const found = derive.enumeratedValues(base, peripheral);
    if (!found) {
      throw new SvdError(
        SvdErrorCode.UnknownDerivedFrom,
        `${what} enumeratedValues derive from "${base}", which the file does not define`,
      );
    }
    return found;
  });
  const readable = sets.filter((s) => textOf(s, 'usage') !== 'write');
  const chosen = readable.length > 0 ? readable : sets;
  const out: SvdEnumValue[] = [];
  for (const set of chosen) {
    for (const ev of childrenOf(set, 'enumeratedValue')) {
      const name = textOf(ev, 'name') ?? '';
      const isDefault = textOf(ev, 'isDefault') === 'true';
      const text = textOf(ev, 'value');
      if (text === undefined && !isDefault) {
        throw new SvdError(SvdErrorCode.BadValue, `${what} enumerated value ${name} has no value`);
      }
      const { value, care } = text === undefined ? { value: 0n, care: 0n } : parseEnumValue(text, width, what);
      out.push({ name, description: textOf(ev, 'description'), value, care, isDefault });
    }
  }
  return out;
}

/** The enumerated value a field value stands for: an exact match first, then the default; undefined if none. */
export function enumFor(enums: readonly SvdEnumValue[], value: bigint): SvdEnumValue | undefined {
  return enums.find((e) => !e.isDefault && (value & e.care) === e.value) ?? enums.find((e) => e.isDefault);
}
