// The Peripherals tree as DAP variables: peripherals, clusters and registers with values read while halted (one
// memory read per contiguous run of a peripheral), and fields decoded with their enumerated names.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fieldLabel, fieldValue, formatField, formatRegister, registerValue } from '../svd/decode';
import { SvdError } from '../svd/errors';
import { byteSize, peripheralRegisters, readability, type PlacedRegister } from '../svd/layout';
import type { SvdNode } from '../svd/model';
import { planReads } from '../svd/readPlan';
import type { SessionContext } from './context';
import { readMemory } from './memory';
import type { PeripheralNode, PeripheralSnapshot, RegisterReading } from './peripheralsTree';

const hex = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

/** Why a register was not read, as the editor shows it in place of a value. */
const NOT_READ = {
  'side-effects': 'not read: reading has side effects',
  'write-only': 'not read: write-only',
} as const;
const UNREADABLE = 'unreadable: the target refused the read';

/** The children of a Peripherals node. */
export async function peripheralVariables(
  ctx: SessionContext,
  node: PeripheralNode,
): Promise<DebugProtocol.Variable[]> {
  switch (node.what) {
    case 'device':
      return [...node.device.peripherals]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((peripheral) => ({
          name: peripheral.name,
          value: hex(peripheral.baseAddress),
          type: peripheral.description,
          variablesReference: ctx.refs.add({ kind: 'svd', node: { what: 'peripheral', snap: { peripheral } } }),
        }));
    case 'peripheral': {
      const p = node.snap.peripheral;
      let children: SvdNode[];
      try {
        children = p.children;
        await readPeripheral(ctx, node.snap);
      } catch (err) {
        if (!(err instanceof SvdError)) throw err;
        ctx.output(`svdFile: ${err.message}\n`, 'console');
        return [{ name: 'error', value: err.message, variablesReference: 0 }];
      }
      return nodeVariables(ctx, node.snap, children, p.baseAddress, '');
    }
    case 'cluster':
      return nodeVariables(ctx, node.snap, node.nodes, node.address, node.prefix);
    case 'register':
      return fieldVariables(node.snap, node.reg);
  }
}

/** Registers and clusters at `address`, in address order. */
function nodeVariables(
  ctx: SessionContext,
  snap: PeripheralSnapshot,
  nodes: readonly SvdNode[],
  address: number,
  prefix: string,
): DebugProtocol.Variable[] {
  return [...nodes]
    .sort((a, b) => a.addressOffset - b.addressOffset)
    .map((n) => {
      const at = address + n.addressOffset;
      if (n.kind === 'cluster') {
        const child = { what: 'cluster', snap, nodes: n.children, address: at, prefix: `${prefix}${n.name}.` } as const;
        return { name: n.name, value: hex(at), variablesReference: ctx.refs.add({ kind: 'svd', node: child }) };
      }
      return registerVariable(ctx, snap, { register: n, address: at, path: prefix + n.name });
    });
}

/** One register as the editor shows it: hex value (or why not read), its address, fields to expand. */
export function registerVariable(
  ctx: SessionContext,
  snap: PeripheralSnapshot,
  reg: PlacedRegister,
): DebugProtocol.Variable {
  const r = reg.register;
  const reading = snap.values?.get(reg.path);
  const value = !reading ? UNREADABLE : 'value' in reading ? formatRegister(reading.value, r.size) : reading.notRead;
  const ctype = { 8: 'unsigned char', 16: 'unsigned short', 32: 'unsigned int' }[r.size];
  return {
    name: r.name,
    value,
    type: `uint${r.size}_t @ ${hex(reg.address)}`,
    memoryReference: hex(reg.address),
    evaluateName: ctype && readability(r) === 'readable' ? `*(volatile ${ctype} *)${hex(reg.address)}` : undefined,
    presentationHint: r.access === 'read-only' ? { attributes: ['readOnly'] } : undefined,
    variablesReference: r.fields.length > 0 ? ctx.refs.add({ kind: 'svd', node: { what: 'register', snap, reg } }) : 0,
  };
}

/** The fields of a register, decoded from the value read with the peripheral. */
function fieldVariables(snap: PeripheralSnapshot, reg: PlacedRegister): DebugProtocol.Variable[] {
  const reading = snap.values?.get(reg.path);
  return reg.register.fields.map((f) => fieldVariable(reading, reg, f));
}

/** One field: `NAME [msb:lsb]` and its value with the enumerated name. */
export function fieldVariable(
  reading: RegisterReading | undefined,
  reg: PlacedRegister,
  f: PlacedRegister['register']['fields'][number],
): DebugProtocol.Variable {
  let value: string;
  if (!reading) value = UNREADABLE;
  else if (!('value' in reading)) value = reading.notRead;
  else if (f.access === 'write-only') value = NOT_READ['write-only'];
  else value = formatField(fieldValue(reading.value, f), f);
  const readOnly = f.access === 'read-only' || reg.register.access === 'read-only';
  return {
    name: fieldLabel(f),
    value,
    type: f.description,
    presentationHint: readOnly ? { attributes: ['readOnly'] } : undefined,
    variablesReference: 0,
  };
}

/** Reads every readable register of a peripheral once per stop: one memory read per contiguous run. */
export async function readPeripheral(ctx: SessionContext, snap: PeripheralSnapshot): Promise<void> {
  if (snap.values) return;
  const p = snap.peripheral;
  const registers = peripheralRegisters(p);
  const values = new Map<string, RegisterReading>();
  for (const reg of registers) {
    const how = readability(reg.register);
    if (how !== 'readable') values.set(reg.path, { notRead: NOT_READ[how] });
  }
  for (const run of planReads(registers, p.baseAddress, p.addressBlocks)) {
    const bytes = await readBytes(ctx, run.address, run.length);
    for (const reg of run.registers) {
      const at = reg.address - run.address;
      if (at + byteSize(reg.register) <= bytes.length)
        values.set(reg.path, { value: registerValue(bytes, at, reg.register.size) });
    }
  }
  snap.values = values;
}

/** Reads one register now (after a write, or before changing one field); undefined when the target refuses. */
export async function readRegister(ctx: SessionContext, reg: PlacedRegister): Promise<bigint | undefined> {
  const bytes = await readBytes(ctx, reg.address, byteSize(reg.register));
  return bytes.length >= byteSize(reg.register) ? registerValue(bytes, 0, reg.register.size) : undefined;
}

/** Bytes from the target through the session's memory read path; as many as were readable from `address` on. */
async function readBytes(ctx: SessionContext, address: number, count: number): Promise<Uint8Array> {
  const body = await readMemory(ctx, { memoryReference: hex(address), count });
  return Buffer.from(body?.data ?? '', 'base64');
}
