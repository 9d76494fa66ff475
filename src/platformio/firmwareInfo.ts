// Facts about a firmware ELF on disk: its version string and GNU build id, checked to be an ARM executable.
import { readFile } from 'node:fs/promises';
import { parseElf, readStringSymbol } from './elf';
import { FirmwareError } from './firmwareErrors';

/** The symbol that holds the version string (`const char fw_version[] = FW_VERSION;` in the sample firmware). */
export const VERSION_SYMBOL = 'fw_version';

/** What an ELF says about itself. */
export interface ElfFirmwareInfo {
  version?: string;
  buildId?: string;
}

/** Reads and checks an ELF. Throws FirmwareError FIRMWARE_MISSING, NOT_ELF, NOT_ARM_ELF or ELF_DAMAGED. */
export async function readFirmwareInfo(elfPath: string): Promise<ElfFirmwareInfo> {
  let bytes: Buffer;
  try {
    bytes = await readFile(elfPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      throw new FirmwareError(
        'FIRMWARE_MISSING',
        `firmware ${elfPath} not found; build it first or give the path of an existing firmware.elf`,
      );
    }
    throw err;
  }
  const elf = parseElf(bytes, elfPath);
  const info: ElfFirmwareInfo = {};
  const version = readStringSymbol(elf, VERSION_SYMBOL);
  if (version) info.version = version;
  if (elf.buildId) info.buildId = elf.buildId;
  return info;
}
