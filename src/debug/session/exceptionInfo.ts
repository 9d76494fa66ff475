// DAP exceptionInfo: whether the core sits in a fault handler, and the fault registers decoded into plain words.
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  decodeFault,
  exceptionName,
  faultRegisterAddresses,
  isFaultException,
  type FaultReport,
} from '../fault/faultDecoder';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataEvaluateExpression, dataReadMemoryBytes } from '../mi/commands/data';
import { stackListFrames } from '../mi/commands/stack';
import { num, str, tuples } from '../mi/read';
import { THREAD_ID, type SessionContext } from './context';

/** The active exception number from xPSR (0 in Thread mode); registers are cached by GDB after a stop. */
export async function activeException(ctx: SessionContext): Promise<number> {
  const answer = await ctx.gdb.send(dataEvaluateExpression('$xpsr & 0x1ff', { thread: THREAD_ID, frame: 0 }));
  return num(answer.results, 'value') ?? 0;
}

async function readWords(ctx: SessionContext, address: number, words: number): Promise<number[]> {
  const answer = await ctx.gdb.send(dataReadMemoryBytes(address, words * 4));
  const bytes = Buffer.from(str(tuples(answer.results, 'memory')[0], 'contents') ?? '', 'hex');
  return Array.from({ length: words }, (_, i) => (bytes.length >= i * 4 + 4 ? bytes.readUInt32LE(i * 4) : 0));
}

/** PC of the frame interrupted by the exception, as GDB's unwinder finds it behind the exception-entry frame. */
async function stackedPc(ctx: SessionContext): Promise<number | undefined> {
  const frames = tuples((await ctx.gdb.send(stackListFrames(THREAD_ID, 0, 16))).results, 'stack');
  const entry = frames.findIndex((f) => str(f, 'func') === '<signal handler called>');
  const interrupted = entry >= 0 ? frames[entry + 1] : undefined;
  return interrupted ? num(interrupted, 'addr') : undefined;
}

/** Reads and decodes the fault state of the core; undefined when it is not in a fault handler. */
export async function readFault(ctx: SessionContext): Promise<FaultReport | undefined> {
  const ipsr = await activeException(ctx);
  if (!isFaultException(ipsr)) return undefined;
  const [cfsr, hfsr, , mmfar, bfar] = await readWords(ctx, faultRegisterAddresses.cfsr, 5);
  // SFSR exists only with the Security Extension; a stub that refuses the read just means no SecureFault detail.
  let secure: number[] = [];
  try {
    secure = await readWords(ctx, faultRegisterAddresses.sfsr, 2);
  } catch (err) {
    if (!(err instanceof GdbCommandError)) throw err;
  }
  return decodeFault({
    ipsr,
    cfsr,
    hfsr,
    mmfar,
    bfar,
    sfsr: secure[0],
    sfar: secure[1],
    stackedPc: await stackedPc(ctx),
  });
}

/** The exceptionInfo body for the current stop. */
export async function exceptionInfo(ctx: SessionContext): Promise<DebugProtocol.ExceptionInfoResponse['body']> {
  const report = await readFault(ctx);
  if (!report) {
    const ipsr = await activeException(ctx);
    const where = ipsr === 0 ? 'Thread mode' : exceptionName(ipsr);
    return { exceptionId: 'none', description: `no fault: the core is in ${where}`, breakMode: 'always' };
  }
  return {
    exceptionId: report.exception,
    description: report.summary,
    breakMode: 'always',
    details: { message: report.summary, typeName: report.exception, stackTrace: report.causes.join('\n') },
  };
}
