// What `outpost sim` prepares before it boots: the firmware to run and the device's own key in its state folder.
import fs from 'node:fs';
import path from 'node:path';
import { readIdentityFile, writeIdentityFile } from '../common/identityFile';
import { readFirmwareInfo } from '../platformio/firmwareInfo';
import { sampleProjectDir } from '../platformio/sampleProject';
import { buildSimFirmware } from '../platformio/simBuild';
import { generateIdentity, type Identity } from '../protocol/identity';

/** The key file `outpost sim` keeps in its state folder when no --key is given. */
export const SIM_KEY_FILE = 'device.key';

/**
 * The ELF to boot: `firmware` checked to exist and be an ARM ELF (FirmwareError otherwise), or, when none is
 * given, the sample firmware's sim build (built now unless up to date). `notice` hears about a build.
 */
export async function simFirmware(firmware: string | undefined, notice: (line: string) => void): Promise<string> {
  if (firmware !== undefined) {
    await readFirmwareInfo(firmware);
    return firmware;
  }
  const projectDir = sampleProjectDir();
  notice(`building the sample firmware (${projectDir}, env sim)`);
  return (await buildSimFirmware({ projectDir })).elf;
}

/**
 * The device identity: from `keyFile` when given, else `stateDir/device.key`, created on first use (mode 0600)
 * and kept, so the relay knows the device again on every start. `created` tells the caller to say so.
 */
export function simIdentity(
  keyFile: string | undefined,
  stateDir: string,
): { identity: Identity; file: string; created: boolean } {
  if (keyFile !== undefined) return { identity: readIdentityFile(keyFile), file: keyFile, created: false };
  const file = path.join(stateDir, SIM_KEY_FILE);
  if (fs.existsSync(file)) return { identity: readIdentityFile(file), file, created: false };
  const identity = generateIdentity();
  writeIdentityFile(file, identity);
  return { identity, file, created: true };
}
