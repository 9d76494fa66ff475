// The Registers scope: the Cortex-M33 core and system registers, read in one MI command per frame.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { dataEvaluateExpression, dataListRegisterNames, dataListRegisterValues } from '../mi/commands/data';
import { DebugError, ErrorCode } from '../errors';
import { consoleCommand } from '../mi/commands/session';
import { list, num, str, tuples } from '../mi/read';
import { THREAD_ID, type SessionContext } from './context';

/** What a Cortex-M33 engineer expects to see, in this order. */
export const cortexM33Registers = [
  ...Array.from({ length: 13 }, (_, i) => `r${i}`),
  'sp',
  'lr',
  'pc',
  'xpsr',
  'msp',
  'psp',
  'primask',
  'basepri',
  'faultmask',
  'control',
] as const;

/** Registers whose write may change which stack SP is, or its value. */
const STACK_MOVERS = new Set(['msp', 'psp', 'control']);
/** The value shown for a register the stub does not describe. */
export const NOT_EXPOSED = '<not exposed by this GDB stub>';
const namesByGdb = new WeakMap<object, Map<string, number>>();

async function registerNumbers(ctx: SessionContext): Promise<Map<string, number>> {
  const cached = namesByGdb.get(ctx.gdb);
  if (cached) return cached;
  const names = list((await ctx.gdb.send(dataListRegisterNames())).results, 'register-names');
  const map = new Map<string, number>();
  names.forEach((n, i) => typeof n === 'string' && n !== '' && map.set(n.toLowerCase(), i));
  namesByGdb.set(ctx.gdb, map);
  return map;
}

/** The register values of one frame; registers the stub does not describe are listed as not exposed. */
export async function registerVariables(ctx: SessionContext, level: number): Promise<DebugProtocol.Variable[]> {
  const numbers = await registerNumbers(ctx);
  const wanted = cortexM33Registers.filter((r) => numbers.has(r)).map((r) => numbers.get(r) as number);
  const answer = await ctx.gdb.send(dataListRegisterValues({ thread: THREAD_ID, frame: level }, wanted));
  const values = new Map<number, string>();
  for (const t of tuples(answer.results, 'register-values')) {
    const n = num(t, 'number');
    const v = str(t, 'value');
    if (n !== undefined && v !== undefined) values.set(n, v);
  }
  return cortexM33Registers.map((name) => {
    const n = numbers.get(name);
    const value = n === undefined ? NOT_EXPOSED : (values.get(n) ?? '<unavailable>');
    return { name, value, variablesReference: 0, evaluateName: n === undefined ? undefined : `$${name}` };
  });
}

/** Writes a register in a frame and returns the value read back. */
export async function setRegister(ctx: SessionContext, level: number, name: string, value: string): Promise<string> {
  const numbers = await registerNumbers(ctx);
  const n = numbers.get(name);
  if (n === undefined) throw new DebugError(ErrorCode.BadArguments, `register ${name} is not exposed by this GDB stub`);
  const frame = { thread: THREAD_ID, frame: level };
  await ctx.gdb.send(dataEvaluateExpression(`$${name} = ${value}`, frame));
  // A write to MSP, PSP or CONTROL can move SP, which GDB keeps cached: read every register afresh.
  if (STACK_MOVERS.has(name)) await ctx.gdb.send(consoleCommand('maintenance flush register-cache'));
  const back = await ctx.gdb.send(dataListRegisterValues(frame, [n]));
  return str(tuples(back.results, 'register-values')[0], 'value') ?? value;
}
