// derivedFrom: an element that copies another (a peripheral, cluster, register, field or enumeratedValues) and
// overrides what it sets itself. Resolved on the XML elements, by name among siblings or by dotted path, each once.
import { SvdError, SvdErrorCode } from './errors';
import type { LazyRegisters } from './lazyRegisters';
import { attrOf, childOf, childrenOf, textOf, type XmlElement } from './xml';

/**
 * Where the children of each kind of element are, for dotted-path lookups (PERIPH.CLUSTER.REG.FIELD): a holder tag
 * ('' for a cluster, whose registers are its own children) and the child tag.
 */
const CONTAINERS: ReadonlyArray<readonly [string, string]> = [
  ['registers', 'register'],
  ['registers', 'cluster'],
  ['', 'register'],
  ['', 'cluster'],
  ['fields', 'field'],
];

/** Resolves derivedFrom for one device; every resolution is cached, so a file is resolved in linear time. */
export class DerivedFrom {
  private readonly resolved = new Map<XmlElement, XmlElement>();
  private readonly inProgress = new Set<XmlElement>();
  private readonly byName = new Map<XmlElement, Map<string, XmlElement>>();
  private readonly enumIndexes = new Map<XmlElement | 'device', Map<string, XmlElement>>();

  constructor(
    private readonly device: XmlElement,
    private readonly lazy: LazyRegisters,
  ) {}

  /**
   * `el` with what it derives merged in (its own elements win); `siblings` are the elements of its kind under the
   * same parent, searched first. `what` names the element for errors ("peripheral TIM3").
   */
  resolve(el: XmlElement, siblings: XmlElement[], what: string): XmlElement {
    const baseName = attrOf(el, 'derivedFrom');
    if (baseName === undefined) return el;
    const done = this.resolved.get(el);
    if (done) return done;
    if (this.inProgress.has(el)) {
      throw new SvdError(SvdErrorCode.UnknownDerivedFrom, `${what} derives from itself through "${baseName}"`);
    }
    const base = this.named(siblings, baseName) ?? this.path(baseName);
    if (!base) {
      throw new SvdError(
        SvdErrorCode.UnknownDerivedFrom,
        `${what} derives from "${baseName}", which the file does not define`,
      );
    }
    this.inProgress.add(el);
    const full = this.resolve(base, siblings, `${what} (through "${baseName}")`);
    this.inProgress.delete(el);
    const own = { ...el };
    delete own['@_derivedFrom'];
    const merged = { ...full, ...own };
    this.resolved.set(el, merged);
    return merged;
  }

  /**
   * The enumeratedValues set named `name` (a plain name, or the last part of a dotted path): looked for in the
   * peripheral `within` first, then in the whole device (which parses every peripheral's registers, once).
   */
  enumeratedValues(name: string, within: XmlElement): XmlElement | undefined {
    const key = name.split('.').pop() ?? name;
    return this.enumIndex(within).get(key) ?? this.enumIndex('device').get(key);
  }

  private enumIndex(scope: XmlElement | 'device'): Map<string, XmlElement> {
    let index = this.enumIndexes.get(scope);
    if (!index) {
      index = new Map();
      const peripherals = scope === 'device' ? childrenOf(childOf(this.device, 'peripherals'), 'peripheral') : [scope];
      for (const p of peripherals) this.indexEnums(p, index);
      this.enumIndexes.set(scope, index);
    }
    return index;
  }

  private indexEnums(el: XmlElement, index: Map<string, XmlElement>): void {
    for (const ev of childrenOf(el, 'enumeratedValues')) {
      const n = textOf(ev, 'name');
      if (n !== undefined && !index.has(n)) index.set(n, ev);
    }
    for (const [holder, tag] of CONTAINERS) {
      for (const child of childrenOf(this.holderOf(el, holder), tag)) this.indexEnums(child, index);
    }
  }

  /** The element holding children of a kind: a peripheral's <registers> (parsed lazily), a cluster, <fields>. */
  private holderOf(el: XmlElement, holder: string): XmlElement | undefined {
    if (holder === '') return el;
    return holder === 'registers' ? this.lazy.of(el) : childOf(el, holder);
  }

  /** An element by name among `elements` (a name map per list, built once). */
  private named(elements: XmlElement[], name: string): XmlElement | undefined {
    if (elements.length === 0) return undefined;
    let map = this.byName.get(elements[0]);
    if (!map) {
      map = new Map();
      for (const e of elements) {
        const n = textOf(e, 'name');
        if (n !== undefined && !map.has(n)) map.set(n, e);
      }
      this.byName.set(elements[0], map);
    }
    return map.get(name);
  }

  /** An element by dotted path from the device: PERIPH, PERIPH.REG, PERIPH.CLUSTER.REG.FIELD. */
  private path(dotted: string): XmlElement | undefined {
    const parts = dotted.split('.');
    let here = this.named(childrenOf(childOf(this.device, 'peripherals'), 'peripheral'), parts[0]);
    for (const part of parts.slice(1)) {
      if (!here) return undefined;
      const from: XmlElement = here;
      here = CONTAINERS.map(([holder, tag]) => this.named(childrenOf(this.holderOf(from, holder), tag), part)).find(
        Boolean,
      );
    }
    return here;
  }
}
