// The demo's workspace: a copy of the sample project with its sim build and a launch.json that attaches to a device.
import { copyFile, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readFirmwareInfo } from '../../platformio/firmwareInfo';
import { FirmwareError } from '../../platformio/firmwareErrors';
import { PlatformioError } from '../../platformio/errors';
import { sampleProjectDir } from '../../platformio/sampleProject';
import { buildSimFirmware } from '../../platformio/simBuild';
import { CliError } from '../errors';

/** The PlatformIO environment the simulated devices run. */
export const DEMO_PIO_ENV = 'sim';

/** The image the devices boot, with the facts the Fleet view shows. */
export interface DemoFirmware {
  elf: string;
  version?: string;
  buildId?: string;
}

/** The simulated board's register description in the sample project (a Peripherals scope while debugging). */
export const DEMO_SVD = '${workspaceFolder}/boards/sim/mps2-an505.svd';

/** `.vscode/launch.json` with one Outpost attach configuration for `device` (the sim build has the symbols). */
export function launchJson(device: string): string {
  const config = {
    version: '0.2.0',
    configurations: [
      {
        type: 'outpost',
        request: 'attach',
        name: `Outpost: attach to ${device}`,
        device,
        pioEnv: DEMO_PIO_ENV,
        svdFile: DEMO_SVD,
      },
    ],
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/**
 * Copies the sample project (examples/u5-sensor, without build outputs) into `workspace` with a launch.json for
 * `device`. The folder appears whole (copied beside it, then renamed); an existing workspace is left as it is,
 * edits included. Returns whether it was created.
 */
export async function prepareWorkspace(workspace: string, device: string, sampleDir?: string): Promise<boolean> {
  if (existsSync(workspace)) return false;
  const from = sampleDir ?? asCliError(() => sampleProjectDir());
  const tmp = `${workspace}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(path.dirname(workspace), { recursive: true });
  try {
    await cp(from, tmp, { recursive: true, filter: (src) => path.basename(src) !== '.pio' });
    await mkdir(path.join(tmp, '.vscode'), { recursive: true });
    await writeFile(path.join(tmp, '.vscode', 'launch.json'), launchJson(device));
    await rename(tmp, workspace);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return true;
}

/**
 * Builds the workspace's sim environment into its `.pio/build/sim` (so debugging and deploy find the ELF). The
 * first build is also copied to `factoryElf`, the image the devices boot until OTA installs another: later builds
 * (a demo restarted on the same data after editing the sources) reach the devices only through a deploy.
 * Resolves with the facts of the image the devices boot. Build problems become one-line CliErrors.
 */
export async function buildDemoFirmware(workspace: string, factoryElf: string): Promise<DemoFirmware> {
  const built = await asCliError(() => buildSimFirmware({ projectDir: workspace, env: DEMO_PIO_ENV }));
  if (!existsSync(factoryElf)) {
    await mkdir(path.dirname(factoryElf), { recursive: true });
    const tmp = `${factoryElf}.${process.pid}.tmp`;
    await copyFile(built.elf, tmp);
    await rename(tmp, factoryElf);
  }
  const info = await asCliError(() => readFirmwareInfo(factoryElf));
  return { elf: factoryElf, version: info.version, buildId: info.buildId };
}

/** Runs `work`, turning the firmware and project errors (whose messages say what to do) into CliErrors. */
function asCliError<T>(work: () => T): T {
  try {
    const result = work();
    if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(mapError(err))) as T;
    return result;
  } catch (err) {
    throw mapError(err);
  }
}

function mapError(err: unknown): unknown {
  return err instanceof FirmwareError || err instanceof PlatformioError ? new CliError(err.message) : err;
}
