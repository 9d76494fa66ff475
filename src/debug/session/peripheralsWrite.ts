// setVariable in the Peripherals tree: a writable register takes a new value, a writable field is changed by
// read-modify-write; the value shown is read back from the target.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugError, ErrorCode } from '../errors';
import { fieldLabel, registerBytes } from '../svd/decode';
import { fieldWriteValue, isWritable, parseInput } from '../svd/encode';
import { SvdError } from '../svd/errors';
import { readability, type PlacedRegister } from '../svd/layout';
import type { SessionContext } from './context';
import { writeMemory } from './memory';
import { fieldVariable, readRegister, registerVariable } from './peripheralsVariables';
import type { PeripheralNode, PeripheralSnapshot } from './peripheralsTree';
import { storeOnCore } from './peripheralsStore';

/** Sets the register or field `name` shown under `parent`; returns what the target now holds. */
export async function setPeripheralValue(
  ctx: SessionContext,
  parent: PeripheralNode,
  name: string,
  text: string,
): Promise<DebugProtocol.SetVariableResponse['body']> {
  if (parent.what === 'device') throw bad(`${name} is a peripheral: set one of its registers`);
  if (parent.what === 'register') return setField(ctx, parent.snap, parent.reg, name, text);
  const peripheral = parent.snap.peripheral;
  const [nodes, base, prefix] =
    parent.what === 'peripheral'
      ? [peripheral.children, peripheral.baseAddress, '']
      : [parent.nodes, parent.address, parent.prefix];
  const r = nodes.find((n) => n.kind === 'register' && n.name === name);
  if (!r || r.kind !== 'register') throw stale(name);
  const reg: PlacedRegister = { register: r, address: base + r.addressOffset, path: prefix + r.name };
  if (!isWritable(r.access)) throw bad(`${peripheral.name}.${reg.path} is read-only`);
  await writeRegister(
    ctx,
    reg,
    input(() => parseInput(text, r.size)),
  );
  await reread(ctx, parent.snap, reg);
  const shown = registerVariable(ctx, parent.snap, reg);
  return { value: shown.value, type: shown.type, variablesReference: shown.variablesReference };
}

async function setField(
  ctx: SessionContext,
  snap: PeripheralSnapshot,
  reg: PlacedRegister,
  name: string,
  text: string,
): Promise<DebugProtocol.SetVariableResponse['body']> {
  const field = reg.register.fields.find((f) => fieldLabel(f) === name || f.name === name);
  if (!field) throw stale(name);
  const where = `${snap.peripheral.name}.${reg.path}.${field.name}`;
  if (!isWritable(field.access) || !isWritable(reg.register.access)) throw bad(`${where} is read-only`);
  if (readability(reg.register) !== 'readable') {
    throw bad(
      `${where} cannot be changed alone: its register is not read back (${readability(reg.register)}); set the whole register`,
    );
  }
  const value = input(() => parseInput(text, field.msb - field.lsb + 1, field));
  const current = await readRegister(ctx, reg);
  if (current === undefined)
    throw bad(`${snap.peripheral.name}.${reg.path} is unreadable: the target refused the read`);
  await writeRegister(ctx, reg, fieldWriteValue(current, reg.register, field, value));
  await reread(ctx, snap, reg);
  return { value: fieldVariable(snap.values?.get(reg.path), reg, field).value };
}

/** Writes a whole register: a memory write through the stub, or on QEMU a store executed on the core. */
async function writeRegister(ctx: SessionContext, reg: PlacedRegister, value: bigint): Promise<void> {
  if (ctx.endpoint.kind === 'qemu') return storeOnCore(ctx, reg.address, value, reg.register.size);
  const data = Buffer.from(registerBytes(value, reg.register.size)).toString('base64');
  await writeMemory(ctx, { memoryReference: '0x' + reg.address.toString(16), data });
}

/** Reads a register back after a write, so the editor shows what the hardware kept. */
async function reread(ctx: SessionContext, snap: PeripheralSnapshot, reg: PlacedRegister): Promise<void> {
  if (readability(reg.register) !== 'readable') return;
  const value = await readRegister(ctx, reg);
  snap.values ??= new Map();
  snap.values.set(reg.path, value === undefined ? { notRead: 'unreadable: the target refused the read' } : { value });
}

function input(parse: () => bigint): bigint {
  try {
    return parse();
  } catch (err) {
    if (err instanceof SvdError) throw bad(err.message);
    throw err;
  }
}

const bad = (message: string): DebugError => new DebugError(ErrorCode.BadArguments, message);
const stale = (name: string): DebugError =>
  new DebugError(ErrorCode.UnknownReference, `"${name}" is no longer shown; refresh the variables view`);
