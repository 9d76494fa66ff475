// The ELF a bench runs: the one given with --elf, or the sample firmware built for the simulator into a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSimFirmware } from '../../src/platformio/simBuild';

const root = path.resolve(__dirname, '..', '..');

/** The ELF to run; dispose() removes it when the bench built it. */
export interface SampleFirmware {
  elf: string;
  dispose(): void;
}

/** `given` as it is, or a fresh build of examples/u5-sensor. */
export async function sampleFirmware(given: string | undefined): Promise<SampleFirmware> {
  if (given) return { elf: given, dispose: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-fw-'));
  try {
    const { elf } = await buildSimFirmware({ projectDir: path.join(root, 'examples', 'u5-sensor'), outDir: dir });
    return { elf, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
