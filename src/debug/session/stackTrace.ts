// DAP stackTrace and scopes: GDB frames with inline and exception-entry frames marked, and the three scopes per frame.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbCommandError } from '../gdb/gdbProcess';
import { stackListFrames } from '../mi/commands/stack';
import { num, str, tuples } from '../mi/read';
import type { MiTuple } from '../mi/types';
import { frameIdOf, levelOf, THREAD_ID, type SessionContext } from './context';
import { sourceOf } from './sourceRef';

/** GDB's name for the frame pushed by exception entry. */
const EXCEPTION_FRAME = '<signal handler called>';

/** One page of the call stack. */
export async function stackTrace(
  ctx: SessionContext,
  args: DebugProtocol.StackTraceArguments,
): Promise<DebugProtocol.StackTraceResponse['body']> {
  const start = args.startFrame ?? 0;
  const levels = args.levels && args.levels > 0 ? args.levels : 20;
  // One extra frame tells whether the last frame shown is inlined (it shares its pc with its caller).
  let frames: MiTuple[];
  try {
    frames = tuples((await ctx.gdb.send(stackListFrames(THREAD_ID, start, start + levels))).results, 'stack');
  } catch (err) {
    // Asking past the outermost frame is the editor paging to the end, not a failure.
    if (err instanceof GdbCommandError && /not enough frames/i.test(err.gdbMessage))
      return { stackFrames: [], totalFrames: start };
    throw err;
  }
  const shown = frames.slice(0, levels).map((f, i) => toStackFrame(f, frames[i + 1]));
  return frames.length > levels ? { stackFrames: shown } : { stackFrames: shown, totalFrames: start + shown.length };
}

function toStackFrame(f: MiTuple, caller: MiTuple | undefined): DebugProtocol.StackFrame {
  const level = num(f, 'level') ?? 0;
  const addr = str(f, 'addr');
  const func = str(f, 'func');
  const fullname = str(f, 'fullname');
  const line = num(f, 'line');
  if (func === EXCEPTION_FRAME) {
    return {
      id: frameIdOf(level),
      name: '[exception entry]',
      line: 0,
      column: 0,
      presentationHint: 'label',
      instructionPointerReference: addr,
    };
  }
  const inlined = caller !== undefined && addr !== undefined && str(caller, 'addr') === addr;
  const name = func ? (inlined ? `${func} [inlined]` : func) : (addr ?? '??');
  const frame: DebugProtocol.StackFrame = {
    id: frameIdOf(level),
    name,
    line: line ?? 0,
    column: line ? 1 : 0,
    instructionPointerReference: addr,
  };
  if (fullname) frame.source = sourceOf(fullname);
  else frame.presentationHint = 'subtle';
  return frame;
}

/** Locals, Statics and Registers for one frame. */
export function scopes(ctx: SessionContext, frameId: number): DebugProtocol.Scope[] {
  const level = levelOf(frameId);
  return [
    {
      name: 'Locals',
      presentationHint: 'locals',
      variablesReference: ctx.refs.add({ kind: 'scope', scope: 'locals', level }),
      expensive: false,
    },
    { name: 'Statics', variablesReference: ctx.refs.add({ kind: 'scope', scope: 'statics', level }), expensive: false },
    {
      name: 'Registers',
      presentationHint: 'registers',
      variablesReference: ctx.refs.add({ kind: 'scope', scope: 'registers', level }),
      expensive: false,
    },
  ];
}
