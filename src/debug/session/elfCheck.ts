// Before attaching for real: does the ELF match what the device runs? Compares the build id (or the vector table).
import { readFile } from 'node:fs/promises';
import {
  buildIdFromNote,
  readElfSections,
  sectionBytes,
  SHF_ALLOC,
  SHF_WRITE,
  SHT_NOTE,
  SHT_PROGBITS,
} from '../elf/elfSections';
import { DebugError, ErrorCode } from '../errors';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataReadMemoryBytes } from '../mi/commands/data';
import { str, tuples } from '../mi/read';
import type { SessionContext } from './context';

/** At most this many bytes are compared, so the check costs one small read over a slow link. */
const MAX_COMPARE = 64;

/** Throws ExecutableMismatch when the target's memory disagrees with the ELF; a target that cannot be read passes. */
export async function checkExecutableMatches(ctx: SessionContext, elfPath: string): Promise<void> {
  const file = new Uint8Array(await readFile(elfPath));
  const sections = readElfSections(file);
  if (typeof sections === 'string') throw new DebugError(ErrorCode.ExecutableMismatch, `${elfPath}: ${sections}`);
  const note = sections.find(
    (s) => s.type === SHT_NOTE && s.name === '.note.gnu.build-id' && (s.flags & SHF_ALLOC) !== 0,
  );
  const code = sections.find(
    (s) => s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_WRITE) === 0 && s.size > 0,
  );
  const region = note ?? code;
  if (!region) return;
  const expected = sectionBytes(file, region).subarray(0, MAX_COMPARE);
  let actual: Uint8Array;
  try {
    const answer = await ctx.gdb.send(dataReadMemoryBytes(region.address, expected.length));
    actual = Buffer.from(str(tuples(answer.results, 'memory')[0], 'contents') ?? '', 'hex');
  } catch (err) {
    if (!(err instanceof GdbCommandError)) throw err;
    ctx.output(`could not read the target to check the ELF (${err.gdbMessage}); continuing\n`, 'console');
    return;
  }
  if (Buffer.compare(Buffer.from(expected), Buffer.from(actual)) === 0) return;
  const what = note
    ? `build id ${buildIdFromNote(expected) ?? '?'} in the ELF, ${buildIdFromNote(actual) ?? 'none'} on the device`
    : `section ${region.name} differs at 0x${region.address.toString(16)}`;
  throw new DebugError(
    ErrorCode.ExecutableMismatch,
    `${elfPath} is not the firmware the device runs (${what}): pick the ELF of the running build, or use "request": "launch" to flash this one`,
  );
}
