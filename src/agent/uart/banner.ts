// Firmware facts from what a device prints: its boot line and its `version` reply.
import type { FirmwareInfo } from '../target';

const BOOT_LINE = /\bboot: (\S+) (\S+) build ([0-9a-f]{8,}) on (\S+)/;
const KEY_VALUE = /^(version|build-id|board) (\S+)$/;

/**
 * Facts in one UART line, or undefined. Understands the sample firmware's boot line
 * (`I: boot: u5-sensor 1.0.0 build 3ba3… on stm32u5-sim`) and the lines of its `version` reply
 * (`version 1.0.0`, `build-id 3ba3…`, `board stm32u5-sim`, with or without an `@TAG ` prefix).
 */
export function firmwareFactsFromLine(line: string): FirmwareInfo | undefined {
  const boot = BOOT_LINE.exec(line);
  if (boot) return { version: boot[2], buildId: boot[3], board: boot[4] };
  const kv = KEY_VALUE.exec(line.replace(/^@\S+ /, ''));
  if (!kv) return undefined;
  if (kv[1] === 'version') return { version: kv[2] };
  if (kv[1] === 'build-id') return { buildId: kv[2] };
  return { board: kv[2] };
}
