// The sample firmware for device-side tests, built from source once per test process.
import { buildSimFirmware, type SimBuildResult } from '../../../src/platformio/simBuild';
import { sampleProjectDir } from '../../../src/platformio/sampleProject';

let build: Promise<SimBuildResult> | undefined;

/** examples/u5-sensor built for the simulator (PlatformIO layout; reused while its sources are unchanged). */
export function sampleFirmware(): Promise<SimBuildResult> {
  build ??= buildSimFirmware({ projectDir: sampleProjectDir() });
  return build;
}
