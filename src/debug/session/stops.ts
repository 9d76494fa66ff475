// Turns GDB's `*stopped` records into what the editor sees: a stopped event, a logpoint line, or a silent continue.
import { DebugProtocol } from '@vscode/debugprotocol';
import { StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataEvaluateExpression } from '../mi/commands/data';
import { execContinue } from '../mi/commands/execution';
import { num, str, tuple } from '../mi/read';
import type { MiTuple } from '../mi/types';
import type { BreakpointRegistry } from './breakpoints';
import { THREAD_ID, type SessionContext } from './context';
import { readFault } from './exceptionInfo';
import { renderLogMessage } from './logMessage';

/** A stop the session expects (the temporary breakpoint of "run to main") and how to report it. */
export interface ExpectedStop {
  gdbNumber: number;
  reason: 'entry';
  description: string;
}

const stepReasons = new Set(['end-stepping-range', 'function-finished', 'location-reached']);
const watchReasons = new Set(['watchpoint-trigger', 'read-watchpoint-trigger', 'access-watchpoint-trigger']);

/** Handles one stop inside the session queue. `expected` is consumed when it matches. */
export async function handleStop(
  ctx: SessionContext,
  registry: BreakpointRegistry,
  stop: MiTuple,
  expected?: ExpectedStop,
): Promise<void> {
  await ctx.refs.reset(ctx.gdb);
  const reason = str(stop, 'reason');
  if (reason === 'exited' || reason === 'exited-normally' || reason === 'exited-signalled') {
    ctx.sendEvent(new TerminatedEvent());
    return;
  }
  const bkptno = num(stop, 'bkptno');
  if (reason === 'breakpoint-hit' && bkptno !== undefined) {
    if (expected && expected.gdbNumber === bkptno) {
      return report(ctx, new StoppedEvent(expected.reason, THREAD_ID), expected.description);
    }
    if (registry.isFaultCatch(bkptno)) return reportFault(ctx, 'breakpoint');
    const entry = registry.lookup(bkptno);
    if (entry) {
      entry.hits++;
      if (entry.every !== undefined && entry.hits % entry.every !== 0) return ctx.control.resume(execContinue());
      if (entry.logParts) {
        const values: string[] = [];
        for (const p of entry.logParts) if ('expression' in p) values.push(await evaluateForLog(ctx, p.expression));
        ctx.output(renderLogMessage(entry.logParts, values) + '\n', 'console');
        return ctx.control.resume(execContinue());
      }
      const ev = new StoppedEvent(entry.kind, THREAD_ID) as DebugProtocol.StoppedEvent;
      ev.body.hitBreakpointIds = [entry.id];
      return report(ctx, ev);
    }
    return report(ctx, new StoppedEvent('breakpoint', THREAD_ID));
  }
  if (reason && watchReasons.has(reason)) {
    const wpt = tuple(stop, 'wpt') ?? tuple(stop, 'hw-rwpt') ?? tuple(stop, 'hw-awpt');
    const value = tuple(stop, 'value');
    const exp = str(wpt, 'exp') ?? 'watched value';
    const change =
      str(value, 'new') !== undefined
        ? `${exp} = ${str(value, 'new')}${str(value, 'old') !== undefined ? ` (was ${str(value, 'old')})` : ''}`
        : `${exp} accessed`;
    const ev = new StoppedEvent('data breakpoint', THREAD_ID) as DebugProtocol.StoppedEvent;
    const entry = registry.lookup(num(wpt, 'number') ?? -1);
    if (entry) ev.body.hitBreakpointIds = [entry.id];
    return report(ctx, ev, change);
  }
  if (reason === 'watchpoint-scope') {
    const ev = new StoppedEvent('data breakpoint', THREAD_ID) as DebugProtocol.StoppedEvent;
    return report(
      ctx,
      ev,
      `watchpoint ${str(stop, 'wpnum') ?? ''} removed: its variable went out of scope`.replace('  ', ' '),
    );
  }
  if (reason && stepReasons.has(reason)) return report(ctx, new StoppedEvent('step', THREAD_ID));
  // Pauses, BKPT instructions and unexplained stops may mean the core sits in a fault handler.
  const fallback =
    reason === 'signal-received' && str(stop, 'signal-name') === 'SIGINT'
      ? 'pause'
      : reason === undefined
        ? 'pause'
        : 'exception';
  return reportFault(ctx, fallback, str(stop, 'signal-meaning'));
}

async function reportFault(ctx: SessionContext, otherwise: string, otherwiseText?: string): Promise<void> {
  const fault = await readFault(ctx);
  if (fault) {
    const ev = new StoppedEvent('exception', THREAD_ID, fault.exception) as DebugProtocol.StoppedEvent;
    return report(ctx, ev, fault.summary);
  }
  return report(
    ctx,
    new StoppedEvent(otherwise, THREAD_ID, otherwise === 'exception' ? otherwiseText : undefined),
    otherwiseText,
  );
}

function report(ctx: SessionContext, ev: StoppedEvent, description?: string): void {
  const body = (ev as DebugProtocol.StoppedEvent).body;
  body.allThreadsStopped = true;
  if (description) body.description = description;
  ctx.sendEvent(ev);
}

async function evaluateForLog(ctx: SessionContext, expression: string): Promise<string> {
  try {
    const answer = await ctx.gdb.send(dataEvaluateExpression(expression, { thread: THREAD_ID, frame: 0 }));
    return str(answer.results, 'value') ?? '?';
  } catch (err) {
    if (!(err instanceof GdbCommandError)) throw err;
    return `<${err.gdbMessage}>`;
  }
}
