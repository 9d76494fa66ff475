// How each kind of GDB stub resets the target, as GDB console commands sent through the stub.
import type { ElfImage } from '../../platformio/elf';
import type { StubKind } from './stubConnector';

/** Reset commands per stub kind that leave the core halted at its reset vector; undefined when there is none. */
export const defaultResetCommands: Record<StubKind, string[] | undefined> = {
  // QEMU's `monitor system_reset` copies the image it was started with back into memory, undoing a `load`;
  // it gets a core reset computed from the ELF instead (see coreResetCommands).
  qemu: undefined,
  openocd: ['monitor reset halt'],
  pyocd: ['monitor reset halt'],
  jlink: ['monitor reset'],
  'probe-rs': ['monitor reset'],
  generic: undefined,
};

const SHT_PROGBITS = 1;
const SHF_ALLOC = 2;
const VTOR = 0xe000ed08;
const SYST_CSR = 0xe000e010;
const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/**
 * A Cortex-M core reset done through registers: stack pointer and PC from the ELF's vector table, Thumb state,
 * VTOR pointed at the table, SysTick stopped. Memory is left as loaded. Undefined when no vector table is found.
 */
export function coreResetCommands(elf: ElfImage): string[] | undefined {
  const sections = elf.sections
    .filter(
      (s) => s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) !== 0 && s.size >= 8 && s.offset + 8 <= elf.bytes.length,
    )
    .sort((a, b) => a.address - b.address);
  const view = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  // The vector table holds the initial SP, then the reset handler: the ELF entry with the Thumb bit.
  const table = sections.find((s) => (view.getUint32(s.offset + 4, true) | 1) === (elf.entry | 1));
  if (!table) return undefined;
  const sp = view.getUint32(table.offset, true);
  const pc = view.getUint32(table.offset + 4, true) & ~1;
  return [
    `set $sp = ${hex(sp)}`,
    `set $pc = ${hex(pc)}`,
    'set $xpsr = 0x01000000',
    `set *(unsigned int *)${hex(VTOR)} = ${hex(table.address)}`,
    `set *(unsigned int *)${hex(SYST_CSR)} = 0`,
  ];
}

/** The reset commands to use: launch.json `resetCommands`, else the stub kind's, else (QEMU) a core reset. */
export function resetCommandsFor(
  kind: StubKind,
  override: string[] | undefined,
  elf: () => ElfImage | undefined,
): string[] | undefined {
  if (override && override.length > 0) return override;
  if (kind === 'qemu') {
    const image = elf();
    return image ? coreResetCommands(image) : undefined;
  }
  return defaultResetCommands[kind];
}
