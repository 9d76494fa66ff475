// Before attaching for real: does the ELF match what the device runs? Compares the build id (or the first code bytes).
import { readFile } from 'node:fs/promises';
import { parseElf, SHT_NOTE, type ElfImage } from '../../platformio/elf';
import { FirmwareError } from '../../platformio/firmwareErrors';
import { DebugError, ErrorCode } from '../errors';
import { GdbCommandError } from '../gdb/gdbProcess';
import { dataReadMemoryBytes } from '../mi/commands/data';
import { str, tuples } from '../mi/read';
import type { SessionContext } from './context';

/** At most this many bytes are compared, so the check costs one small read over a slow link. */
const MAX_COMPARE = 64;
const SHT_PROGBITS = 1;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;

/** The build id inside the bytes of a GNU build-id note (from the file or read back from the target). */
export function buildIdOfNote(b: Uint8Array): string | undefined {
  if (b.length < 16) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const namesz = v.getUint32(0, true);
  const descsz = v.getUint32(4, true);
  const descOff = 12 + Math.ceil(namesz / 4) * 4;
  if (v.getUint32(8, true) !== 3 || descOff + descsz > b.length) return undefined;
  return Buffer.from(b.subarray(descOff, descOff + descsz)).toString('hex');
}

/** The bytes to compare and where they live on the target: the build-id note, else the start of read-only code. */
export function comparisonRegion(
  elf: ElfImage,
): { name: string; address: number; bytes: Uint8Array; isNote: boolean } | undefined {
  const note = elf.sections.find(
    (s) => s.type === SHT_NOTE && s.name === '.note.gnu.build-id' && (s.flags & SHF_ALLOC) !== 0,
  );
  const code = elf.sections.find(
    (s) => s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_WRITE) === 0 && s.size > 0,
  );
  const region = note ?? code;
  if (!region || region.offset + region.size > elf.bytes.length) return undefined;
  const bytes = elf.bytes.subarray(region.offset, region.offset + Math.min(region.size, MAX_COMPARE));
  return { name: region.name, address: region.address, bytes, isNote: region === note };
}

/** Throws ExecutableMismatch when the target's memory disagrees with the ELF; a target that cannot be read passes. */
export async function checkExecutableMatches(ctx: SessionContext, elfPath: string): Promise<void> {
  let elf: ElfImage;
  try {
    elf = parseElf(new Uint8Array(await readFile(elfPath)), elfPath);
  } catch (err) {
    if (err instanceof FirmwareError) throw new DebugError(ErrorCode.ExecutableMismatch, err.message);
    throw err;
  }
  const region = comparisonRegion(elf);
  if (!region) return;
  let actual: Buffer;
  try {
    const answer = await ctx.gdb.send(dataReadMemoryBytes(region.address, region.bytes.length));
    actual = Buffer.from(str(tuples(answer.results, 'memory')[0], 'contents') ?? '', 'hex');
  } catch (err) {
    if (!(err instanceof GdbCommandError)) throw err;
    ctx.output(`could not read the target to check the ELF (${err.gdbMessage}); continuing\n`, 'console');
    return;
  }
  if (Buffer.compare(Buffer.from(region.bytes), actual) === 0) return;
  const what = region.isNote
    ? `build id ${buildIdOfNote(region.bytes) ?? '?'} in the ELF, ${buildIdOfNote(actual) ?? 'none'} on the device`
    : `section ${region.name} differs at 0x${region.address.toString(16)}`;
  throw new DebugError(
    ErrorCode.ExecutableMismatch,
    `${elfPath} is not the firmware the device runs (${what}): pick the ELF of the running build, or use "request": "launch" to flash this one`,
  );
}
