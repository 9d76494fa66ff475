// How each kind of GDB stub resets the target, as GDB console commands sent through the stub.
import type { StubKind } from './stubConnector';

/** Reset commands per stub kind; undefined when the stub has no reset that leaves the core halted. */
export const defaultResetCommands: Record<StubKind, string[] | undefined> = {
  qemu: ['monitor system_reset'],
  openocd: ['monitor reset halt'],
  pyocd: ['monitor reset halt'],
  jlink: ['monitor reset'],
  'probe-rs': ['monitor reset'],
  generic: undefined,
};

/** The reset commands to use: launch.json `resetCommands` when given, else the stub kind's default. */
export function resetCommandsFor(kind: StubKind, override?: string[]): string[] | undefined {
  return override && override.length > 0 ? override : defaultResetCommands[kind];
}
