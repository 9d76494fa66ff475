// Memory GDB reads right after connecting that the operator side knows from the ELF: asked for in the offer.
import { readFile } from 'node:fs/promises';
import { parseElf } from '../../platformio/elf';
import { FirmwareError } from '../../platformio/firmwareErrors';
import type { MemoryRange } from '../../protocol/rspAccel';
import { comparisonRegion } from '../session/elfCheck';

/**
 * The range the attach's ELF check reads (the build-id note, else the first code bytes: session/elfCheck.ts), so
 * the agent sends it with the handshake bundle instead of GDB waiting a round trip for it. An ELF that cannot be
 * read gives nothing: the check itself reports it.
 */
export async function attachReads(elfPath: string | undefined): Promise<MemoryRange[]> {
  if (elfPath === undefined) return [];
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(elfPath));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) return [];
    throw err;
  }
  try {
    const region = comparisonRegion(parseElf(bytes, elfPath));
    return region ? [[region.address, region.bytes.length]] : [];
  } catch (err) {
    if (err instanceof FirmwareError) return [];
    throw err;
  }
}
