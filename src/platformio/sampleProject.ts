// Finds the sample firmware project (examples/u5-sensor) that ships with Outpost, from source or from dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FirmwareError } from './firmwareErrors';

/** The sample project's folder relative to the Outpost checkout. */
export const SAMPLE_PROJECT = join('examples', 'u5-sensor');

/**
 * The absolute folder of the sample firmware project, found by walking up from this module (works for
 * src/platformio under tsx and for the dist/ bundle). Throws FIRMWARE_MISSING when it is not there.
 */
export function sampleProjectDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, SAMPLE_PROJECT);
    if (existsSync(join(candidate, 'platformio.ini'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new FirmwareError(
    'FIRMWARE_MISSING',
    `the sample firmware project (${SAMPLE_PROJECT}) is not next to this Outpost install; give --firmware PATH`,
  );
}
