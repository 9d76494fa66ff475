// The sample firmware (examples/u5-sensor) as UI tests use it: finding a line in its sources, building another
// version into a workspace, and waiting for what a simulated device prints.
import type { SimDevice } from '../../src/agent/device';
import { readFirmwareInfo } from '../../src/platformio/firmwareInfo';
import { buildSimFirmware } from '../../src/platformio/simBuild';

/** The 1-based number of the first line of `source` matching `pattern`; throws when none does. */
export function sourceLine(source: string, pattern: RegExp): number {
  const at = source.split('\n').findIndex((l) => pattern.test(l));
  if (at === -1) throw new Error(`no line matches ${pattern}`);
  return at + 1;
}

/** A build of the sample: its ELF and the facts a device reports about it. */
export interface SampleBuild {
  elf: string;
  version: string;
  buildId: string;
}

/**
 * Builds the workspace's `[env:sim]` as version `version` into its `.pio/build/sim` (what the editor's Deploy OTA
 * and debugger take as "the current build").
 */
export async function buildSampleVersion(workspace: string, version: string): Promise<SampleBuild> {
  const built = await buildSimFirmware({ projectDir: workspace, env: 'sim', version });
  const info = await readFirmwareInfo(built.elf);
  if (info.version !== version || !info.buildId) {
    throw new Error(`${built.elf} says version ${info.version}, build id ${info.buildId}; expected ${version}`);
  }
  return { elf: built.elf, version, buildId: info.buildId };
}

/** The next line the device's firmware prints on its UART that matches `pattern`. */
export function nextUartLine(device: SimDevice, pattern: RegExp, timeoutMs: number): Promise<string> {
  const uart = device.target.uart;
  return new Promise((resolve, reject) => {
    const onLine = (line: string): void => {
      if (!pattern.test(line)) return;
      clearTimeout(timer);
      uart.off('line', onLine);
      resolve(line);
    };
    const timer = setTimeout(() => {
      uart.off('line', onLine);
      reject(new Error(`no UART line matching ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    uart.on('line', onLine);
  });
}
