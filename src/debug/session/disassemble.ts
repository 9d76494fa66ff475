// DAP disassemble: a window of Thumb instructions around an address, with source lines, padded to the count asked.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataDisassemble } from '../mi/commands/data';
import { isTuple, list, num, str, tuples } from '../mi/read';
import type { MiTuple } from '../mi/types';
import type { SessionContext } from './context';
import { resolveAddress } from './memory';
import { sourceOf } from './sourceRef';

/** Longest Thumb-2 instruction: windows are sized so they surely hold the instructions asked for. */
const MAX_INSN = 4;

/** Flattens `-data-disassemble` mode 5 output (source-line groups or bare instructions) into instructions. */
export function flattenDisassembly(results: MiTuple): DebugProtocol.DisassembledInstruction[] {
  const out: DebugProtocol.DisassembledInstruction[] = [];
  const push = (insn: MiTuple, src?: MiTuple): void => {
    const address = str(insn, 'address');
    if (!address) return;
    const func = str(insn, 'func-name');
    const offset = num(insn, 'offset');
    const line = num(src, 'line');
    const fullname = str(src, 'fullname');
    out.push({
      address,
      instruction: (str(insn, 'inst') ?? '').replace(/\t/g, ' '),
      instructionBytes: str(insn, 'opcodes'),
      symbol: func ? (offset ? `${func}+${offset}` : func) : undefined,
      location: fullname ? sourceOf(fullname) : undefined,
      line,
    });
  };
  for (const item of list(results, 'asm_insns')) {
    if (!isTuple(item)) continue;
    if ('line_asm_insn' in item) for (const insn of tuples(item, 'line_asm_insn')) push(insn, item);
    else push(item);
  }
  return out;
}

function placeholder(address: number): DebugProtocol.DisassembledInstruction {
  return { address: '0x' + Math.max(0, address).toString(16), instruction: '??', presentationHint: 'invalid' };
}

/** Exactly `instructionCount` instructions starting `instructionOffset` instructions from the reference. */
export async function disassemble(
  ctx: SessionContext,
  args: DebugProtocol.DisassembleArguments,
): Promise<DebugProtocol.DisassembleResponse['body']> {
  const base = resolveAddress(args.memoryReference, args.offset) & ~1;
  const instOffset = args.instructionOffset ?? 0;
  const count = Math.max(0, Math.min(args.instructionCount, 4096));
  const before = Math.max(0, -instOffset);
  const after = Math.max(0, instOffset + count);
  const start = Math.max(0, base - before * MAX_INSN);
  const end = base + after * MAX_INSN + MAX_INSN;
  let insns: DebugProtocol.DisassembledInstruction[] = [];
  try {
    insns = flattenDisassembly((await ctx.gdb.send(dataDisassemble(start, end))).results);
  } catch (err) {
    if (!(err instanceof GdbCommandError)) throw err;
    // Unreadable memory: the view shows it as such instead of failing.
  }
  let at = insns.findIndex((i) => Number(i.address) >= base);
  if (at < 0) at = insns.length;
  const out: DebugProtocol.DisassembledInstruction[] = [];
  for (let k = 0; k < count; k++) {
    const idx = at + instOffset + k;
    if (idx >= 0 && idx < insns.length) out.push(insns[idx]);
    else if (idx < 0) out.push(placeholder(Number(insns[0]?.address ?? base) + idx * 2));
    else out.push(placeholder(Number(insns[insns.length - 1]?.address ?? base) + (idx - insns.length + 1) * 2));
  }
  return { instructions: out };
}
