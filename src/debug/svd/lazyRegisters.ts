// A peripheral's <registers>, parsed from the raw text the first pass kept, once per distinct text (peripherals
// derived from one base share it).
import { childOf, parseFragment, type XmlElement } from './xml';

/** Parses <registers> on first use; one per parsed document. */
export class LazyRegisters {
  private readonly parsed = new Map<string, XmlElement>();

  /** The <registers> element of a peripheral element, or undefined when it has none. */
  of(peripheral: XmlElement): XmlElement | undefined {
    const raw = peripheral['registers'];
    const inner = typeof raw === 'string' ? raw : (childOf(peripheral, 'registers')?.['#text'] as string | undefined);
    if (inner === undefined) return childOf(peripheral, 'registers');
    let el = this.parsed.get(inner);
    if (!el) {
      el = parseFragment('registers', inner);
      this.parsed.set(inner, el);
    }
    return el;
  }
}
