// DAP readMemory and writeMemory through GDB's byte-level memory commands.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugError, ErrorCode } from '../errors';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataReadMemoryBytes, dataWriteMemoryBytes } from '../mi/commands/data';
import { str, tuples } from '../mi/read';
import type { SessionContext } from './context';

/** Largest single read, so a mistyped count cannot ask a device over a cellular link for megabytes. */
const MAX_READ = 1 << 20;

/** Parses a memory reference ("0x38000000", "12345") plus an offset into an address. */
export function resolveAddress(memoryReference: string, offset = 0): number {
  const base =
    /^\s*0x[0-9a-f]+\s*$/i.test(memoryReference) || /^\s*\d+\s*$/.test(memoryReference) ? Number(memoryReference) : NaN;
  const address = base + offset;
  if (!Number.isSafeInteger(address) || address < 0) {
    throw new DebugError(ErrorCode.BadArguments, `"${memoryReference}" is not a memory address`);
  }
  return address;
}

/** Reads memory; bytes the target refuses are reported as unreadable rather than failing the request. */
export async function readMemory(
  ctx: SessionContext,
  args: DebugProtocol.ReadMemoryArguments,
): Promise<DebugProtocol.ReadMemoryResponse['body']> {
  const address = resolveAddress(args.memoryReference, args.offset);
  const count = Math.min(Math.max(0, args.count), MAX_READ);
  const hexAddress = '0x' + address.toString(16);
  if (count === 0) return { address: hexAddress, data: '' };
  try {
    const answer = await ctx.gdb.send(dataReadMemoryBytes(address, count));
    const bytes = Buffer.alloc(count);
    let readable = 0;
    for (const block of tuples(answer.results, 'memory')) {
      const begin = Number(str(block, 'begin'));
      const contents = Buffer.from(str(block, 'contents') ?? '', 'hex');
      const at = begin - address;
      if (at === readable) readable += contents.length;
      contents.copy(bytes, at);
    }
    return {
      address: hexAddress,
      data: bytes.subarray(0, readable).toString('base64'),
      unreadableBytes: count - readable || undefined,
    };
  } catch (err) {
    if (err instanceof GdbCommandError) return { address: hexAddress, data: '', unreadableBytes: count };
    throw err;
  }
}

/** Writes memory; returns how many bytes were written. */
export async function writeMemory(
  ctx: SessionContext,
  args: DebugProtocol.WriteMemoryArguments,
): Promise<DebugProtocol.WriteMemoryResponse['body']> {
  const address = resolveAddress(args.memoryReference, args.offset);
  const data = Buffer.from(args.data, 'base64');
  if (data.length === 0) return { bytesWritten: 0 };
  await ctx.gdb.send(dataWriteMemoryBytes(address, data));
  return { offset: args.offset, bytesWritten: data.length };
}
