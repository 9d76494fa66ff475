// DAP evaluate: watch, hover and REPL expressions as variable objects; `-exec CMD` or `> CMD` runs a raw GDB command.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataEvaluateExpression } from '../mi/commands/data';
import { consoleCommand } from '../mi/commands/session';
import { str } from '../mi/read';
import { levelOf, THREAD_ID, type SessionContext } from './context';
import { createVarObj, toVariable } from './varobjs';

/** The raw GDB command in a REPL line, or undefined when the line is an expression. */
export function rawGdbCommand(expression: string): string | undefined {
  const m = /^\s*(?:-exec\s+|>\s*)(.*)$/s.exec(expression);
  return m ? m[1].trim() : undefined;
}

/** Evaluates one expression (or runs one raw command) for the editor. */
export async function evaluate(
  ctx: SessionContext,
  args: DebugProtocol.EvaluateArguments,
): Promise<DebugProtocol.EvaluateResponse['body']> {
  const raw = args.context === 'repl' ? rawGdbCommand(args.expression) : undefined;
  if (raw !== undefined) {
    const answer = await ctx.gdb.send(consoleCommand(raw), { timeoutMs: 10 * ctx.args.gdbTimeoutMs });
    return { result: answer.console.replace(/\n$/, ''), variablesReference: 0 };
  }
  const level = args.frameId === undefined ? undefined : levelOf(args.frameId);
  let v;
  try {
    v = await createVarObj(ctx, args.expression, level);
  } catch (err) {
    if (!(err instanceof GdbCommandError)) throw err;
    // -var-create only says "unable to create variable object"; plain evaluation says why (or still gives a value).
    const frame = level === undefined ? undefined : { thread: THREAD_ID, frame: level };
    const answer = await ctx.gdb.send(dataEvaluateExpression(args.expression, frame));
    return { result: str(answer.results, 'value') ?? '', variablesReference: 0 };
  }
  // Evaluate results have no parent in the variables view; reference 0 keeps them apart from real scopes.
  const shown = toVariable(ctx, v, args.expression, 0, args.expression);
  return {
    result: shown.value,
    type: shown.type,
    variablesReference: shown.variablesReference,
    indexedVariables: shown.indexedVariables,
    namedVariables: shown.namedVariables,
    memoryReference: shown.memoryReference,
  };
}
