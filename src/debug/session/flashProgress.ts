// How far a `load` has got, from GDB's `+download` records: GDB's own total-size is not the bytes it sends, so the
// total comes from the ELF (its allocated sections with contents, which is what GDB writes).
import type { ElfImage } from '../../platformio/elf';
import { SHT_NOBITS } from '../../platformio/elf';
import { num, str } from '../mi/read';
import type { MiTuple } from '../mi/types';

/** One progress line for the editor: what is being written and, when the total is known, how far (0–99). */
export interface FlashStatus {
  message: string;
  percentage?: number;
}

const SHF_ALLOC = 0x2;

/** The bytes GDB's `load` writes for an ELF: its allocated sections that have contents. */
export function loadableBytes(elf: ElfImage): number {
  return elf.sections
    .filter((s) => (s.flags & SHF_ALLOC) !== 0 && s.type !== SHT_NOBITS)
    .reduce((sum, s) => sum + s.size, 0);
}

const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

/**
 * Follows one load. GDB reports a section when it starts (`section`, `section-size`) and, at most twice a second
 * while it is written, how much of it is sent (`section-sent`); a section is whole once the next one starts.
 * 100 % is left to the end of the load itself.
 */
export class FlashProgress {
  private finished = 0;
  private current: { name: string; size: number } | undefined;

  /** `totalBytes`: loadableBytes of the ELF; undefined when it could not be read (no percentage then). */
  constructor(private readonly totalBytes: number | undefined) {}

  /** The status after one `+download` record, or undefined for a record that names no section. */
  feed(record: MiTuple): FlashStatus | undefined {
    const section = str(record, 'section');
    const size = num(record, 'section-size');
    if (section === undefined || size === undefined) return undefined;
    if (this.current?.name !== section) {
      if (this.current) this.finished += this.current.size;
      this.current = { name: section, size };
    }
    const done = this.finished + Math.min(num(record, 'section-sent') ?? 0, size);
    const total = this.totalBytes;
    if (total === undefined || total <= 0) return { message: `flashing ${section}: ${kib(done)} KiB sent` };
    return {
      message: `flashing ${section}: ${kib(Math.min(done, total))} of ${kib(total)} KiB`,
      percentage: Math.min(99, Math.floor((done * 100) / total)),
    };
  }
}
