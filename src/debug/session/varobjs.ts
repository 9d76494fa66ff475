// GDB variable objects as DAP variables: creation in a frame, paged children, assignment.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { varAssign, varCreate, varListChildren } from '../mi/commands/varobj';
import { num, str, tuples } from '../mi/read';
import type { MiTuple } from '../mi/types';
import { THREAD_ID, type SessionContext } from './context';

/** A variable object as GDB describes it. */
export interface VarObj {
  name: string;
  numchild: number;
  value: string;
  type: string;
}

function readVarObj(t: MiTuple): VarObj {
  return {
    name: str(t, 'name') ?? '',
    numchild: num(t, 'numchild') ?? 0,
    value: str(t, 'value') ?? '',
    type: str(t, 'type') ?? '',
  };
}

/** Creates a root variable object for `expression` in a frame (or floating when level is undefined). */
export async function createVarObj(
  ctx: SessionContext,
  expression: string,
  level: number | undefined,
): Promise<VarObj> {
  const frame = level === undefined ? undefined : { thread: THREAD_ID, frame: level };
  const v = readVarObj((await ctx.gdb.send(varCreate(expression, frame))).results);
  ctx.refs.ownRoot(v.name);
  return v;
}

/** A DAP variable for a variable object, with a reference when it has children and paging hints for arrays. */
export function toVariable(
  ctx: SessionContext,
  v: VarObj,
  displayName: string,
  parentRef: number,
  evaluateName?: string,
): DebugProtocol.Variable {
  ctx.refs.remember(parentRef, displayName, v.name);
  const isArray = /\]$/.test(v.type.trim());
  const out: DebugProtocol.Variable = {
    name: displayName,
    value: v.value,
    type: v.type,
    variablesReference: v.numchild > 0 ? ctx.refs.add({ kind: 'varobj', name: v.name, indexed: isArray }) : 0,
  };
  if (v.numchild > 0 && isArray) out.indexedVariables = v.numchild;
  else if (v.numchild > 0) out.namedVariables = v.numchild;
  if (evaluateName) out.evaluateName = evaluateName;
  const mem = pointerValue(v);
  if (mem) out.memoryReference = mem;
  return out;
}

/** The address a pointer value holds ("0x38000010 <last>" → "0x38000010"). */
export function pointerValue(v: { value: string; type: string }): string | undefined {
  if (!/\*\s*$/.test(v.type)) return undefined;
  return /^(0x[0-9a-fA-F]+)/.exec(v.value)?.[1];
}

/** One page of a variable object's children (DAP start/count map onto GDB's from/to). */
export async function varObjChildren(
  ctx: SessionContext,
  parentRef: number,
  name: string,
  indexed: boolean,
  start: number | undefined,
  count: number | undefined,
): Promise<DebugProtocol.Variable[]> {
  const from = start ?? 0;
  const paged = count !== undefined && count > 0;
  const answer = await ctx.gdb.send(varListChildren(name, paged ? from : undefined, paged ? from + count : undefined));
  const out: DebugProtocol.Variable[] = [];
  for (const c of tuples(answer.results, 'children')) {
    const child = readVarObj(c);
    const exp = str(c, 'exp') ?? child.name;
    // C++ access-specifier pseudo children carry no type; show their members directly.
    if (!str(c, 'type') && /^(public|private|protected)$/.test(exp)) {
      out.push(...(await varObjChildren(ctx, parentRef, child.name, false, undefined, undefined)));
      continue;
    }
    out.push(toVariable(ctx, child, indexed ? `[${exp}]` : exp, parentRef));
  }
  return out;
}

/** Assigns through a variable object and returns the value GDB now reads back. */
export async function assignVarObj(ctx: SessionContext, name: string, value: string): Promise<string> {
  return str((await ctx.gdb.send(varAssign(name, value))).results, 'value') ?? value;
}
