// Reads a CMSIS-SVD document into the device model: derivedFrom, dim arrays, clusters, inherited register
// properties and enumerated values resolved. Pure: text in, model or one SvdError out.
import { DerivedFrom } from './derive';
import { expandDim } from './dim';
import { parseEnums } from './enums';
import { SvdError, SvdErrorCode } from './errors';
import type {
  SvdAccess,
  SvdField,
  SvdModifiedWrite,
  SvdNode,
  SvdPeripheral,
  SvdReadAction,
  SvdRegister,
  SvdDevice,
} from './model';
import { bitRangeOf, parseSvdInt } from './numbers';
import { DEFAULT_PROPERTIES, inheritProperties, parseAccess, type RegisterProperties } from './properties';
import { LazyRegisters } from './lazyRegisters';
import { childOf, childrenOf, parseDocument, textOf, type XmlElement } from './xml';

const READ_ACTIONS: readonly SvdReadAction[] = ['clear', 'set', 'modify', 'modifyExternal'];
const MODIFIED_WRITES: readonly SvdModifiedWrite[] = [
  'oneToClear',
  'oneToSet',
  'oneToToggle',
  'zeroToClear',
  'zeroToSet',
  'zeroToToggle',
  'clear',
  'set',
  'modify',
];

/**
 * Parses the text of an SVD file; throws one SvdError saying what is wrong and where. The peripherals (names,
 * addresses, derivedFrom) are read at once; each peripheral's registers when its `children` are first asked for,
 * which may then throw an SvdError about them.
 */
export function parseSvd(text: string): SvdDevice {
  const root = parseDocument(text);
  const device = childOf(root, 'device');
  if (!device) throw new SvdError(SvdErrorCode.NotSvd, 'no <device> element: this is not a CMSIS-SVD file');
  const list = childrenOf(childOf(device, 'peripherals'), 'peripheral');
  if (list.length === 0) throw new SvdError(SvdErrorCode.NotSvd, 'the <device> has no <peripherals>');
  return new Reader(device).device(list);
}

/** What a field takes from its register unless it says otherwise. */
interface FieldDefaults {
  access: SvdAccess;
  readAction?: SvdReadAction;
  written?: SvdModifiedWrite;
}

class Reader {
  private readonly derive: DerivedFrom;
  private readonly lazy = new LazyRegisters();
  /** Converted register lists by XML element and properties: peripherals derived from one base share them. */
  private readonly converted = new Map<XmlElement, Map<RegisterProperties, SvdNode[]>>();

  constructor(private readonly root: XmlElement) {
    this.derive = new DerivedFrom(root, this.lazy);
  }

  device(list: XmlElement[]): SvdDevice {
    const props = inheritProperties(this.root, DEFAULT_PROPERTIES, 'device');
    const peripherals: SvdPeripheral[] = [];
    for (const raw of list) {
      const what = `peripheral ${textOf(raw, 'name') ?? '(unnamed)'}`;
      const el = this.derive.resolve(raw, list, what);
      const name = required(el, 'name', what);
      const base = parseSvdInt(required(el, 'baseAddress', what), `${what} baseAddress`);
      const p = inheritProperties(el, props, what);
      let children: SvdNode[] | undefined;
      const childrenOnce = (): SvdNode[] => (children ??= this.nodes(this.lazy.of(el), p, el, what));
      const addressBlocks = childrenOf(el, 'addressBlock').map((b) => ({
        offset: parseSvdInt(required(b, 'offset', `${what} addressBlock`), `${what} addressBlock offset`),
        size: parseSvdInt(required(b, 'size', `${what} addressBlock`), `${what} addressBlock size`),
        usage: textOf(b, 'usage') ?? 'registers',
      }));
      for (const inst of expandDim(el, name, what)) {
        peripherals.push({
          name: inst.name,
          description: inst.description,
          groupName: textOf(el, 'groupName'),
          baseAddress: base + inst.delta,
          addressBlocks,
          get children() {
            return childrenOnce();
          },
        });
      }
    }
    return { name: textOf(this.root, 'name') ?? 'device', description: textOf(this.root, 'description'), peripherals };
  }

  /** The registers and clusters directly under `holder`: a peripheral's <registers>, or a <cluster>. */
  private nodes(
    holder: XmlElement | undefined,
    props: RegisterProperties,
    peripheral: XmlElement,
    what: string,
  ): SvdNode[] {
    if (!holder) return [];
    let byProps = this.converted.get(holder);
    const done = byProps?.get(props);
    if (done) return done;
    const out: SvdNode[] = [];
    const registers = childrenOf(holder, 'register');
    for (const raw of registers) {
      const el = this.derive.resolve(raw, registers, `${what} register ${textOf(raw, 'name') ?? ''}`);
      out.push(...this.register(el, props, peripheral, what));
    }
    const clusters = childrenOf(holder, 'cluster');
    for (const raw of clusters) {
      const cwhat = `${what} cluster ${textOf(raw, 'name') ?? ''}`;
      const el = this.derive.resolve(raw, clusters, cwhat);
      const name = required(el, 'name', cwhat);
      const offset = parseSvdInt(required(el, 'addressOffset', cwhat), `${cwhat} addressOffset`);
      const children = this.nodes(el, inheritProperties(el, props, cwhat), peripheral, `${what}.${name}`);
      for (const inst of expandDim(el, name, cwhat)) {
        out.push({
          kind: 'cluster',
          name: inst.name,
          description: inst.description,
          addressOffset: offset + inst.delta,
          children,
        });
      }
    }
    if (!byProps) this.converted.set(holder, (byProps = new Map()));
    byProps.set(props, out);
    return out;
  }

  private register(
    el: XmlElement,
    inherited: RegisterProperties,
    peripheral: XmlElement,
    parent: string,
  ): SvdRegister[] {
    const what = `${parent} register ${textOf(el, 'name') ?? '(unnamed)'}`;
    const name = required(el, 'name', what);
    const offset = parseSvdInt(required(el, 'addressOffset', what), `${what} addressOffset`);
    const props = inheritProperties(el, inherited, what);
    const fieldList = childrenOf(childOf(el, 'fields'), 'field');
    const defaults = { access: props.access, readAction: readAction(el, what), written: modifiedWrite(el, what) };
    const fields: SvdField[] = [];
    for (const raw of fieldList) {
      const field = this.derive.resolve(raw, fieldList, `${what} field ${textOf(raw, 'name') ?? ''}`);
      fields.push(...this.field(field, defaults, peripheral, what));
    }
    return expandDim(el, name, what).map((inst) => ({
      kind: 'register',
      name: inst.name,
      description: inst.description,
      addressOffset: offset + inst.delta,
      size: props.size,
      access: props.access,
      resetValue: props.resetValue,
      resetMask: props.resetMask,
      readAction: defaults.readAction,
      modifiedWriteValues: defaults.written,
      fields,
    }));
  }

  /** A field; access, readAction and modifiedWriteValues default to the register's. */
  private field(el: XmlElement, reg: FieldDefaults, peripheral: XmlElement, parent: string): SvdField[] {
    const what = `${parent} field ${textOf(el, 'name') ?? '(unnamed)'}`;
    const name = required(el, 'name', what);
    const { lsb, msb } = bitRangeOf(el, what);
    if (msb < lsb) throw new SvdError(SvdErrorCode.BadValue, `${what} has msb ${msb} below lsb ${lsb}`);
    const access = textOf(el, 'access');
    const enums = parseEnums(el, msb - lsb + 1, this.derive, peripheral, what);
    return expandDim(el, name, what).map((inst) => ({
      name: inst.name,
      description: inst.description,
      lsb: lsb + inst.delta,
      msb: msb + inst.delta,
      access: access === undefined ? reg.access : parseAccess(access, what),
      readAction: readAction(el, what) ?? reg.readAction,
      modifiedWriteValues: modifiedWrite(el, what) ?? reg.written,
      enums,
    }));
  }
}

function required(el: XmlElement, tag: string, what: string): string {
  const v = textOf(el, tag);
  if (v === undefined) throw new SvdError(SvdErrorCode.NotSvd, `${what} has no <${tag}>`);
  return v;
}

function readAction(el: XmlElement, what: string): SvdReadAction | undefined {
  const v = textOf(el, 'readAction');
  if (v !== undefined && !READ_ACTIONS.includes(v as SvdReadAction)) {
    throw new SvdError(SvdErrorCode.BadValue, `${what} readAction is "${v}", not one of ${READ_ACTIONS.join(', ')}`);
  }
  return v as SvdReadAction | undefined;
}

function modifiedWrite(el: XmlElement, what: string): SvdModifiedWrite | undefined {
  const v = textOf(el, 'modifiedWriteValues');
  if (v !== undefined && !MODIFIED_WRITES.includes(v as SvdModifiedWrite)) {
    throw new SvdError(
      SvdErrorCode.BadValue,
      `${what} modifiedWriteValues is "${v}", not one of ${MODIFIED_WRITES.join(', ')}`,
    );
  }
  return v as SvdModifiedWrite | undefined;
}
