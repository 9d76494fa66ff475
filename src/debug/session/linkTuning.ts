// GDB settings that cut RSP round trips, which dominate debugging through a relay: each one is a trip to the device.
import type { GdbProcess } from '../gdb/gdbProcess';
import { consoleCommand, gdbSet } from '../mi/commands/session';

/** What every session sets in GDB before connecting (bench/gdb-direct-vs-tunnel.ts drives GDB the same way). */
export const GDB_SESSION_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['mi-async', 'on'],
  ['pagination', 'off'],
  ['confirm', 'off'],
  ['breakpoint pending', 'off'],
  ['tcp auto-retry', 'off'],
  ['tcp connect-timeout', '10'],
  ['remotetimeout', '10'],
  // Breakpoints stay in the target while it is stopped: no Z/z pair per breakpoint around every resume.
  ['breakpoint always-inserted', 'on'],
];

/** Start of the Cortex-M peripheral region; below it lie the Code and SRAM regions (architectural memory map). */
const PERIPHERAL_BASE = 0x40000000;

/**
 * The `mem` regions to define, given what `info mem` printed: when the stub describes no memory (QEMU, most
 * generic stubs), Code and SRAM are cached while the core is halted and everything from the peripherals up is
 * read live. A stub's own map (OpenOCD's, with flash regions `load` and breakpoints rely on) is left alone.
 */
export function cacheRegionCommands(infoMem: string): string[] {
  if (!/There are no memory regions defined/.test(infoMem)) return [];
  const base = `0x${PERIPHERAL_BASE.toString(16)}`;
  return [`mem 0x0 ${base} rw cache`, `mem ${base} 0 rw nocache`];
}

/**
 * Call once the ELF is known to be what the target runs (checked, or just flashed). GDB then reads read-only
 * sections (code, constants) from the ELF, and caches Code/SRAM reads until the core runs again (GDB drops its
 * cache on every resume and writes through it). At every stop GDB's frame analysis reads the same few code bytes
 * again and again and `x/N` reads one word per packet: about 30 round trips per `stepi` on a Cortex-M become 5, and
 * `x/1024x` takes 64 instead of 1024.
 */
export async function tuneForLink(gdb: GdbProcess): Promise<void> {
  await gdb.send(gdbSet('trust-readonly-sections', 'on'));
  const infoMem = await gdb.send(consoleCommand('info mem'));
  for (const command of cacheRegionCommands(infoMem.console)) await gdb.send(consoleCommand(command));
}
