// Which line-table pieces GDB's `next` steps through on its own after a range (pure): sent ahead with the range step.
import { readFile } from 'node:fs/promises';
import { MAX_PIECES, type MemoryRange } from '../../protocol/rspAccel';
import { parseElf } from '../../platformio/elf';
import { FirmwareError } from '../../platformio/firmwareErrors';
import { LineTableError, parseDebugLine, type LineSequence } from './dwarfLines';

/** One address of the line table: the piece [start, end) its rows cover, and whether GDB steps on through it. */
interface Piece {
  start: number;
  end: number;
  /** Every row at `start` is a non-statement row of a real line (not line 0). */
  passThrough: boolean;
}

/**
 * The line table as GDB's `next` sees it. At the start of a piece whose rows are all non-statement rows of a real
 * line, reached in the same frame, GDB 10+ keeps stepping with that piece as its new range, whatever the line
 * ("stepped to a different line, but it's not the start of a statement", or the same line): so after GDB's range
 * [S, E), the run of such pieces starting exactly at E is what GDB would range-step next, one round trip each.
 * A statement row, line 0, a gap or the end of a sequence ends the run (GDB may stop there).
 */
export class StepPieces {
  private readonly byStart = new Map<number, Piece>();

  constructor(sequences: readonly LineSequence[]) {
    for (const seq of sequences) {
      for (let i = 0; i < seq.length;) {
        const start = seq[i].address;
        let j = i;
        let passThrough = true;
        for (; j < seq.length && seq[j].address === start; j++) {
          if (seq[j].end || seq[j].isStmt || seq[j].line === 0) passThrough = false;
        }
        const end = j < seq.length ? seq[j].address : start;
        // Two sequences claiming one address: trust neither.
        if (this.byStart.has(start)) this.byStart.set(start, { start, end, passThrough: false });
        else if (end > start) this.byStart.set(start, { start, end, passThrough });
        i = j;
      }
    }
  }

  /** The pieces GDB would step through after leaving [start, end) at `end` by falling through (at most MAX_PIECES). */
  after(end: number): MemoryRange[] {
    const out: MemoryRange[] = [];
    for (let piece = this.byStart.get(end); piece?.passThrough && out.length < MAX_PIECES;) {
      out.push([piece.start, piece.end]);
      piece = this.byStart.get(piece.end);
    }
    return out;
  }
}

/** The ELF's line table, or undefined when there is none this reader understands (ranges are then not extended). */
export async function loadStepPieces(elfPath: string | undefined): Promise<StepPieces | undefined> {
  if (elfPath === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(elfPath));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) return undefined;
    throw err;
  }
  try {
    const section = parseElf(bytes, elfPath).sections.find((s) => s.name === '.debug_line');
    if (!section) return undefined;
    return new StepPieces(parseDebugLine(bytes.subarray(section.offset, section.offset + section.size)));
  } catch (err) {
    if (err instanceof FirmwareError || err instanceof LineTableError) return undefined;
    throw err;
  }
}
