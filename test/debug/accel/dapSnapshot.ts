// What the editor shows at a stop, collected through DAP as plain data two debug paths can be compared on.
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { NOT_EXPOSED } from '../../../src/debug/session/registers';

/** A variable as the Variables view shows it, with its children expanded; references and ids are left out. */
export interface ShownVariable {
  name: string;
  value: string;
  type?: string;
  memoryReference?: string;
  children?: ShownVariable[];
}

/** Everything compared at one stop. Key order is the order a difference is looked for. */
export interface StopSnapshot {
  frames: Array<{ name: string; line: number; column: number; source?: string; pc?: string; hint?: string }>;
  registers: ShownVariable[];
  /** GDB's `info all-registers` (core, FPU, system registers the stub describes). */
  allRegisters: string;
  /** Locals of every frame, innermost first. */
  locals: ShownVariable[][];
  /** File-scope variables of the innermost frame's source file. */
  statics: ShownVariable[];
  /** The stack from a little below SP to the top of RAM, hex. */
  stack: { from: string; bytes: string };
  /** The readings ring the firmware fills in report(), hex. */
  ring: { from: string; bytes: string };
}

/** Top of the sample firmware's RAM (link.ld: ORIGIN(RAM) + LENGTH(RAM)): where its stack starts. */
const STACK_TOP = 0x38000000 + 2 * 1024 * 1024;
/** Bytes below SP read too: what callees left there is memory a cache could get wrong as well. */
const BELOW_SP = 64;
/** Children expanded below a scope: g_sensor → ring → items → [i] → fields. */
const MAX_DEPTH = 4;

async function children(dc: DebugClient, v: DebugProtocol.Variable, depth: number): Promise<ShownVariable[]> {
  if (v.variablesReference === 0 || depth >= MAX_DEPTH) return [];
  const args: DebugProtocol.VariablesArguments = { variablesReference: v.variablesReference };
  if (v.indexedVariables) Object.assign(args, { filter: 'indexed', start: 0, count: v.indexedVariables });
  return shown(dc, (await dc.variablesRequest(args)).body.variables, depth + 1);
}

async function shown(dc: DebugClient, vars: DebugProtocol.Variable[], depth: number): Promise<ShownVariable[]> {
  const out: ShownVariable[] = [];
  for (const v of vars) {
    const item: ShownVariable = { name: v.name, value: v.value };
    if (v.type !== undefined) item.type = v.type;
    if (v.memoryReference !== undefined) item.memoryReference = v.memoryReference;
    const kids = await children(dc, v, depth);
    if (kids.length > 0) item.children = kids;
    out.push(item);
  }
  return out;
}

/** The children of a scope or variable reference, expanded. */
export async function expand(dc: DebugClient, variablesReference: number): Promise<ShownVariable[]> {
  return shown(dc, (await dc.variablesRequest({ variablesReference })).body.variables, 0);
}

/** Reads `count` bytes at `address` through DAP readMemory; hex, with unreadable bytes counted. */
export async function memoryHex(dc: DebugClient, address: number, count: number): Promise<string> {
  const r = await dc.customRequest('readMemory', { memoryReference: '0x' + address.toString(16), count });
  const body = r.body as DebugProtocol.ReadMemoryResponse['body'];
  const bytes = Buffer.from(body?.data ?? '', 'base64').toString('hex');
  return body?.unreadableBytes ? `${bytes} (+${body.unreadableBytes} unreadable)` : bytes;
}

/** Evaluates a C expression in the innermost frame (watch context) and returns the value text. */
export async function watch(dc: DebugClient, expression: string, frameId?: number): Promise<string> {
  return (await dc.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
}

/** Collects what the editor shows at the current stop (thread 1). */
export async function takeSnapshot(dc: DebugClient): Promise<StopSnapshot> {
  const stack = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const frames = stack.map((f) => ({
    name: f.name,
    line: f.line,
    column: f.column,
    source: f.source?.path,
    pc: f.instructionPointerReference,
    hint: f.presentationHint,
  }));
  const scopesOf = async (frameId: number) => (await dc.scopesRequest({ frameId })).body.scopes;
  const top = await scopesOf(stack[0].id);
  const registers = await expand(dc, top[2].variablesReference);
  const locals: ShownVariable[][] = [];
  for (const f of stack) {
    // The [exception entry] label frame has no scopes of its own.
    if (f.presentationHint === 'label') continue;
    locals.push(await expand(dc, (await scopesOf(f.id))[0].variablesReference));
  }
  const statics = await expand(dc, top[1].variablesReference);
  const allRegisters = (await dc.evaluateRequest({ expression: '-exec info all-registers', context: 'repl' })).body
    .result;
  const sp = Number(registers.find((r) => r.name === 'sp')?.value ?? NaN);
  const stackFrom = Math.max(0x38000000, sp - BELOW_SP);
  const ringAt = Number(await watch(dc, '(unsigned)&g_sensor.ring', stack[0].id));
  const ringSize = Number(await watch(dc, 'sizeof g_sensor.ring', stack[0].id));
  return {
    frames,
    registers,
    allRegisters,
    locals,
    statics,
    stack: { from: hex(stackFrom), bytes: await memoryHex(dc, stackFrom, Math.min(1024, STACK_TOP - stackFrom)) },
    ring: { from: hex(ringAt), bytes: await memoryHex(dc, ringAt, ringSize) },
  };
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/**
 * The tunnel's snapshot as the direct path can show it: registers QEMU's stub leaves out (MSP … CONTROL), which the
 * agent adds, must have a value in the tunnel and are then compared as not exposed; their `info all-registers`
 * lines are dropped. Throws when an added register has no value or is missing from `info all-registers`.
 */
export function asDirectShowsIt(direct: StopSnapshot, tunnel: StopSnapshot): StopSnapshot {
  const added = direct.registers.filter((r) => r.value === NOT_EXPOSED).map((r) => r.name);
  const registers = tunnel.registers.map((r) => {
    if (!added.includes(r.name)) return r;
    if (!/^0x[0-9a-f]+$/.test(r.value)) throw new Error(`the tunnel shows ${r.name} as ${r.value}, not a value`);
    return { ...r, value: NOT_EXPOSED };
  });
  const lines = tunnel.allRegisters.split('\n');
  const kept = lines.filter((l) => !added.includes(l.split(/\s+/)[0]));
  if (lines.length - kept.length !== added.length) {
    throw new Error(`info all-registers in the tunnel lacks some of ${added.join(', ')}`);
  }
  return { ...tunnel, registers, allRegisters: kept.join('\n') };
}
