// DAP variables and setVariable: Locals and Statics of a frame, children of structs and arrays, registers.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugError, ErrorCode } from '../errors';
import { stackListFrames, stackListVariables } from '../mi/commands/stack';
import { symbolInfoVariables } from '../mi/commands/session';
import { str, tuple, tuples } from '../mi/read';
import { THREAD_ID, type SessionContext } from './context';
import { peripheralVariables } from './peripheralsVariables';
import { setPeripheralValue } from './peripheralsWrite';
import { registerVariables, setRegister } from './registers';
import { assignVarObj, createVarObj, toVariable, varObjChildren } from './varobjs';

/** The children of a variables reference (a scope or a structured value). */
export async function variables(
  ctx: SessionContext,
  args: DebugProtocol.VariablesArguments,
): Promise<DebugProtocol.Variable[]> {
  const target = ctx.refs.get(args.variablesReference);
  if (!target) return [];
  if (target.kind === 'svd') return peripheralVariables(ctx, target.node);
  if (target.kind === 'varobj') {
    if (args.filter === 'named' && target.indexed) return [];
    return varObjChildren(ctx, args.variablesReference, target.name, target.indexed, args.start, args.count);
  }
  if (target.scope === 'registers') return registerVariables(ctx, target.level);
  const names =
    target.scope === 'locals' ? await localNames(ctx, target.level) : await staticExpressions(ctx, target.level);
  const out: DebugProtocol.Variable[] = [];
  for (const { display, expression } of names) {
    try {
      const v = await createVarObj(ctx, expression, target.level);
      out.push(toVariable(ctx, v, display, args.variablesReference, expression));
    } catch (err) {
      // One unreadable variable (optimized out, bad memory) must not hide the others.
      out.push({
        name: display,
        value: `<${err instanceof Error ? err.message : String(err)}>`,
        variablesReference: 0,
      });
    }
  }
  return out;
}

async function localNames(ctx: SessionContext, level: number): Promise<Array<{ display: string; expression: string }>> {
  const answer = await ctx.gdb.send(stackListVariables(THREAD_ID, level));
  const seen = new Set<string>();
  const out: Array<{ display: string; expression: string }> = [];
  for (const v of tuples(answer.results, 'variables')) {
    const name = str(v, 'name');
    // GDB lists a shadowed name twice; the innermost one is what the expression names.
    if (name === undefined || seen.has(name)) continue;
    seen.add(name);
    out.push({ display: name, expression: name });
  }
  return out;
}

const symbolsByGdb = new WeakMap<object, Array<{ fullname: string; file: string; name: string }>>();

/** File-scope variables (static or global) defined in the source file of the frame. */
async function staticExpressions(
  ctx: SessionContext,
  level: number,
): Promise<Array<{ display: string; expression: string }>> {
  let symbols = symbolsByGdb.get(ctx.gdb);
  if (!symbols) {
    symbols = [];
    const answer = await ctx.gdb.send(symbolInfoVariables());
    const debug = tuples(tuple(answer.results, 'symbols'), 'debug');
    for (const file of debug) {
      for (const s of tuples(file, 'symbols')) {
        const name = str(s, 'name');
        if (name) symbols.push({ fullname: str(file, 'fullname') ?? '', file: str(file, 'filename') ?? '', name });
      }
    }
    symbolsByGdb.set(ctx.gdb, symbols);
  }
  const frame = tuples((await ctx.gdb.send(stackListFrames(THREAD_ID, level, level))).results, 'stack')[0];
  const fullname = str(frame, 'fullname');
  if (!fullname) return [];
  return symbols
    .filter((s) => s.fullname === fullname)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({ display: s.name, expression: `'${s.file}'::${s.name}` }));
}

/** Assigns a new value to a variable the editor was shown; returns what the target now holds. */
export async function setVariable(
  ctx: SessionContext,
  args: DebugProtocol.SetVariableArguments,
): Promise<DebugProtocol.SetVariableResponse['body']> {
  const target = ctx.refs.get(args.variablesReference);
  if (target?.kind === 'svd') return setPeripheralValue(ctx, target.node, args.name, args.value);
  if (target?.kind === 'scope' && target.scope === 'registers') {
    return { value: await setRegister(ctx, target.level, args.name, args.value) };
  }
  const varobj = ctx.refs.varObjShown(args.variablesReference, args.name);
  if (!varobj)
    throw new DebugError(ErrorCode.UnknownReference, `"${args.name}" is no longer shown; refresh the variables view`);
  return { value: await assignVarObj(ctx, varobj, args.value) };
}
