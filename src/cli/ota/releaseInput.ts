// What `outpost deploy` deploys: an ELF, a raw .bin, or a PlatformIO environment's build, with its facts.
import fs from 'node:fs';
import path from 'node:path';
import { buildOutputs, requireBuilt } from '../../platformio/buildOutputs';
import { releaseFromElf, type Release } from '../../platformio/release';
import { buildSimFirmware } from '../../platformio/simBuild';
import { usageError } from '../errors';

/** Facts given on the command line; they win over what the ELF says. */
export interface ReleaseFacts {
  version?: string;
  board?: string;
  buildId?: string;
}

/** A release with every manifest fact known. */
export type CompleteRelease = Release & { version: string; board: string; buildId: string };

/**
 * Reads the release from `file` (ELF or raw image) or from the build of `pioEnv` in `projectDir` (the `sim`
 * environment is built here with Debian's toolchain when needed; others must have been built with `pio run`).
 * A raw image needs --version, --board and --build-id; so does an ELF that lacks one of them.
 */
export async function readRelease(
  input: { file?: string; pioEnv?: string; projectDir: string },
  facts: ReleaseFacts,
): Promise<CompleteRelease> {
  let release: Release;
  if (input.pioEnv) {
    const outputs = buildOutputs(input.projectDir, input.pioEnv);
    const elf =
      outputs.exists || input.pioEnv !== 'sim'
        ? requireBuilt(outputs).elf
        : (await buildSimFirmware({ projectDir: input.projectDir, env: input.pioEnv })).elf;
    release = await releaseFromElf(elf);
  } else {
    const file = path.resolve(input.projectDir, input.file as string);
    let head: Buffer;
    try {
      head = fs.readFileSync(file);
    } catch {
      throw usageError(`${file} not found: give the firmware.elf or firmware.bin of a build`);
    }
    release =
      head.subarray(0, 4).toString('latin1') === '\x7fELF'
        ? await releaseFromElf(file)
        : { image: head, elf: Buffer.alloc(0), loadAddress: 0 };
  }
  const version = facts.version ?? release.version;
  const board = facts.board ?? release.board;
  const buildId = facts.buildId ?? release.buildId;
  const missing = [!version && '--version', !board && '--board', !buildId && '--build-id'].filter(Boolean);
  if (missing.length > 0)
    throw usageError(
      `the firmware does not say its ${missing.map((m) => (m as string).slice(2)).join(', ')}: give ${missing.join(' ')}`,
    );
  return { ...release, version: version as string, board: board as string, buildId: buildId as string };
}
