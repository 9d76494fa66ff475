// Installs images on the QEMU simulator: the flash image becomes an ELF the sim boots, as after a power cycle.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { flatImage, parseElf } from '../../platformio/elf';
import { OtaError } from '../../protocol/otaErrors';
import { flashImageToElf } from './flashElf';
import type { FlashImage, ImageInstaller } from './imageInstaller';

/** What the installer needs of the sim target (SimTarget has both). */
export interface ImageBootingTarget {
  /** Stops the emulated core and boots `elfPath` (kept: the sim reboots it after a crash). */
  installImage(elfPath: string): Promise<unknown>;
  /** The ELF the sim runs now. */
  readonly firmwarePath: string;
}

/** An ImageInstaller for SimTarget. Boot ELFs live in `bootDir`; only the running one and its predecessor stay. */
export class SimInstaller implements ImageInstaller {
  constructor(
    private readonly target: ImageBootingTarget,
    private readonly bootDir: string,
  ) {
    fs.mkdirSync(bootDir, { recursive: true, mode: 0o700 });
  }

  async install(image: FlashImage): Promise<void> {
    const bytes = fs.readFileSync(image.file);
    const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.elf`;
    const elf = path.join(this.bootDir, name);
    fs.writeFileSync(elf, flashImageToElf(bytes, image.loadAddress, { version: image.version }));
    const before = this.target.firmwarePath;
    try {
      await this.target.installImage(elf);
    } catch (err) {
      throw new OtaError('INSTALL_FAILED', (err as Error).message);
    }
    for (const other of fs.readdirSync(this.bootDir)) {
      const file = path.join(this.bootDir, other);
      if (file !== elf && file !== before) fs.rmSync(file, { force: true });
    }
  }

  async snapshot(loadAddress: number): Promise<Buffer | undefined> {
    const flat = flatImage(parseElf(fs.readFileSync(this.target.firmwarePath), this.target.firmwarePath));
    return flat.address === loadAddress && flat.data.length > 0 ? Buffer.from(flat.data) : undefined;
  }
}
