// The XML layer of the SVD reader: fast-xml-parser's element tree and typed access to it.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SvdError, SvdErrorCode } from './errors';

/** One XML element: child elements by tag (repeatable SVD tags always as arrays), attributes as `@_name`. */
export type XmlElement = Record<string, unknown>;

/** Tags an SVD may repeat under one parent. */
const REPEATED = new Set([
  'peripheral',
  'register',
  'cluster',
  'field',
  'enumeratedValues',
  'enumeratedValue',
  'addressBlock',
  'interrupt',
]);

const options = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (tag: string) => REPEATED.has(tag),
};

/** Where a peripheral's registers are; kept as raw text by the first pass (the bulk of a vendor file). */
const LAZY_REGISTERS = 'device.peripherals.peripheral.registers';

const documentParser = new XMLParser({ ...options, stopNodes: [LAZY_REGISTERS] });
const fragmentParser = new XMLParser(options);

/**
 * Parses an SVD document down to its peripherals; each peripheral's <registers> stays raw text for parseFragment
 * (a 5 MB vendor file is mostly registers, and a debug session looks at a few peripherals). The whole text is
 * checked for well-formedness first: XML that is not well-formed is one SvdError with line and column.
 */
export function parseDocument(text: string): XmlElement {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new SvdError(SvdErrorCode.NotXml, `not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  return documentParser.parse(text) as XmlElement;
}

/** Parses the raw inner text the first pass kept for a `tag` element. */
export function parseFragment(tag: string, inner: string): XmlElement {
  return childOf(fragmentParser.parse(`<${tag}>${inner}</${tag}>`) as XmlElement, tag) ?? {};
}

/** An element as an object: empty elements (`<fields/>`) and text-only ones have no children. */
function asElement(v: unknown): XmlElement | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlElement) : undefined;
}

/** The text of child `tag`, trimmed; undefined when absent or empty. */
export function textOf(el: XmlElement, tag: string): string | undefined {
  const v = el[tag];
  const s = typeof v === 'string' ? v : (asElement(v)?.['#text'] as string | undefined);
  return s === undefined || s === '' ? undefined : String(s);
}

/** The child element `tag` (the first when repeated). */
export function childOf(el: XmlElement, tag: string): XmlElement | undefined {
  const v = el[tag];
  return asElement(Array.isArray(v) ? v[0] : v);
}

/** Every child element `tag`, in document order (an empty element counts as one with no children). */
export function childrenOf(el: XmlElement | undefined, tag: string): XmlElement[] {
  if (!el) return [];
  const v = el[tag];
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.map((x) => asElement(x) ?? {});
}

/** The attribute `name` of an element. */
export function attrOf(el: XmlElement, name: string): string | undefined {
  const v = el[`@_${name}`];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
