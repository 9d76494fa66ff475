// Firmware builds for OTA tests, made once per test process: the sample at two versions, and a build that never
// says it is ready (the sample with its ready line reworded), all real arm-none-eabi-gcc output.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SIM_BOARD } from '../../../src/agent/targets/sim';
import { buildSimFirmware } from '../../../src/platformio/simBuild';
import { signManifest, type ManifestFields, type SignedManifest } from '../../../src/protocol/manifest';
import type { Identity } from '../../../src/protocol/identity';

/** One build: ELF, raw flash image and build id. */
export interface Build {
  elf: string;
  bin: Buffer;
  buildId: string;
  version: string;
}

/** The three builds OTA tests use. */
export interface OtaBuilds {
  v1: Build;
  v2: Build;
  silent: Build;
}

let builds: Promise<OtaBuilds> | undefined;

async function build(projectDir: string, outDir: string, version: string): Promise<Build> {
  const out = await buildSimFirmware({ projectDir, outDir, version });
  return { elf: out.elf, bin: fs.readFileSync(out.bin), buildId: out.buildId, version };
}

async function makeAll(): Promise<OtaBuilds> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ota-builds-'));
  process.once('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  const project = path.resolve('examples/u5-sensor');
  const copy = path.join(work, 'silent-project');
  fs.cpSync(project, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}.pio`) });
  const main = path.join(copy, 'src', 'main.c');
  const source = fs.readFileSync(main, 'utf8');
  if (!source.includes(" ready (type 'help')")) throw new Error('the sample firmware no longer prints its ready line');
  fs.writeFileSync(main, source.replace(" ready (type 'help')", " started (type 'help')"));
  return {
    v1: await build(project, path.join(work, 'v1'), '1.0.0'),
    v2: await build(project, path.join(work, 'v2'), '2.0.0'),
    silent: await build(copy, path.join(work, 'silent'), '3.0.0'),
  };
}

/** The builds, made on first use. */
export function otaBuilds(): Promise<OtaBuilds> {
  builds ??= makeAll();
  return builds;
}

/**
 * The build's image signed by `by` for the simulator (its board, anti-rollback 1); `over` replaces any field (a
 * tampered or oversized image's hash and size, another version or counter, an ELF hash).
 */
export function signBuild(b: Build, by: Identity, over: Partial<ManifestFields> = {}): SignedManifest {
  return signManifest(
    {
      imageSha256: createHash('sha256').update(b.bin).digest('hex'),
      imageSize: b.bin.length,
      buildId: b.buildId,
      version: b.version,
      board: SIM_BOARD,
      antiRollback: 1,
      ...over,
    },
    by,
  );
}
