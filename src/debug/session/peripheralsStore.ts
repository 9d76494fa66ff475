// Peripheral writes on QEMU: its GDB stub writes debugger memory accesses only to RAM and ROM and drops writes to
// device registers, so a register is written by a store instruction stepped on the halted core, then undone.
import { DebugError, ErrorCode } from '../errors';
import { execStep } from '../mi/commands/execution';
import { dataEvaluateExpression } from '../mi/commands/data';
import { str } from '../mi/read';
import { THREAD_ID, type SessionContext } from './context';
import { readMemory, writeMemory } from './memory';

/** Thumb `strb/strh/str r1, [r0]` by access width in bits. */
const STORE_OPCODES: Record<number, number> = { 8: 0x7001, 16: 0x8001, 32: 0x6001 };
/** xPSR IT/ICI bits: cleared for the step so the store cannot be skipped as part of an IT block. */
const XPSR_IT_BITS = 0x0600fc00;

/** Steps tried when the core reports a stop without having executed the store. */
const STEP_ATTEMPTS = 3;

const hex = (n: number | bigint): string => '0x' + n.toString(16);

/**
 * Writes `value` to the device register at `address` by executing one store on the core: r0, r1, xPSR, the PC and the
 * two code bytes at the PC are saved, the store is placed at the PC and single-stepped (QEMU masks interrupts while
 * stepping), and everything is put back. The editor sees no stop.
 */
export async function storeOnCore(ctx: SessionContext, address: number, value: bigint, bits: number): Promise<void> {
  const opcode = STORE_OPCODES[bits];
  if (opcode === undefined) {
    throw new DebugError(ErrorCode.BadArguments, `cannot write a ${bits}-bit register through QEMU's GDB stub`);
  }
  const frame = { thread: THREAD_ID, frame: 0 };
  const evaluate = async (expression: string): Promise<string> =>
    str((await ctx.gdb.send(dataEvaluateExpression(expression, frame))).results, 'value') ?? '';
  const saved = {
    r0: await evaluate('(unsigned int)$r0'),
    r1: await evaluate('(unsigned int)$r1'),
    pc: Number(await evaluate('(unsigned int)$pc')),
    xpsr: Number(await evaluate('(unsigned int)$xpsr')),
  };
  const code = await readMemory(ctx, { memoryReference: hex(saved.pc), count: 2 });
  if (!code?.data || code.unreadableBytes) {
    throw new DebugError(ErrorCode.GdbCommandFailed, `cannot write ${hex(address)}: the code at the PC is unreadable`);
  }
  const store = Buffer.from([opcode & 0xff, opcode >> 8]).toString('base64');
  try {
    await writeMemory(ctx, { memoryReference: hex(saved.pc), data: store });
    await evaluate(`$r0 = ${hex(address)}`);
    await evaluate(`$r1 = ${hex(value)}`);
    await evaluate(`$xpsr = ${hex(saved.xpsr & ~XPSR_IT_BITS)}`);
    await stepTheStore(ctx, address, saved.pc, evaluate);
  } finally {
    await writeMemory(ctx, { memoryReference: hex(saved.pc), data: code.data });
    await evaluate(`$pc = ${hex(saved.pc)}`);
    await evaluate(`$xpsr = ${hex(saved.xpsr)}`);
    await evaluate(`$r0 = ${saved.r0}`);
    await evaluate(`$r1 = ${saved.r1}`);
  }
}

/**
 * Single-steps the store at `pc` and checks that it ran: the PC must have moved past it. A step that stops without
 * executing anything (the PC unchanged) is tried again; a core that went elsewhere fails the write, saying where.
 */
async function stepTheStore(
  ctx: SessionContext,
  address: number,
  pc: number,
  evaluate: (expression: string) => Promise<string>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const stopped = ctx.control.nextStop(ctx.args.gdbTimeoutMs, `the write to ${hex(address)} did not complete`);
    await ctx.gdb.send(execStep(THREAD_ID, true));
    await stopped;
    const now = Number(await evaluate('(unsigned int)$pc'));
    if (now === pc + 2) return;
    if (now !== pc || attempt === STEP_ATTEMPTS) {
      throw new DebugError(
        ErrorCode.GdbCommandFailed,
        `the write to ${hex(address)} may not have happened: the core stopped at ${hex(now)} instead of after the store`,
      );
    }
  }
}
