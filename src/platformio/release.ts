// What an OTA release is made of, from a build output: the flash image, its ELF, and facts read from the ELF.
import { readFile } from 'node:fs/promises';
import { flatImage, parseElf, readStringSymbol } from './elf';
import { FirmwareError } from './firmwareErrors';
import { VERSION_SYMBOL } from './firmwareInfo';

/** The symbol the sample firmware keeps its board name in (`const char board_name[]`). */
export const BOARD_SYMBOL = 'board_name';

/** A release ready to sign: image bytes and the facts a manifest needs (some may be missing from the ELF). */
export interface Release {
  image: Buffer;
  /** The ELF, kept on the relay for symbols by build id. */
  elf: Buffer;
  loadAddress: number;
  buildId?: string;
  version?: string;
  board?: string;
}

/**
 * Reads a firmware ELF and makes its flash image (load segments from the lowest address, what `objcopy -O
 * binary` writes). Throws FirmwareError (FIRMWARE_MISSING, NOT_ELF, NOT_ARM_ELF, ELF_DAMAGED).
 */
export async function releaseFromElf(elfPath: string): Promise<Release> {
  let bytes: Buffer;
  try {
    bytes = await readFile(elfPath);
  } catch {
    throw new FirmwareError('FIRMWARE_MISSING', `firmware ${elfPath} not found; build it first`);
  }
  const elf = parseElf(bytes, elfPath);
  const flat = flatImage(elf);
  if (flat.data.length === 0) throw new FirmwareError('ELF_DAMAGED', `${elfPath} has nothing to load into flash`);
  return {
    image: Buffer.from(flat.data),
    elf: bytes,
    loadAddress: flat.address,
    buildId: elf.buildId,
    version: readStringSymbol(elf, VERSION_SYMBOL),
    board: readStringSymbol(elf, BOARD_SYMBOL),
  };
}
