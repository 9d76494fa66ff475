// The DWARF line table of an ELF's .debug_line (pure): the rows GDB's `next` steps by, versions 2 to 5, 32-bit DWARF.

/** One row of the line-number program. File is the unit's file index (only compared, never named). */
export interface LineRow {
  address: number;
  /** Compilation unit (its .debug_line offset) and file index in it: the pair tells files apart. */
  file: string;
  line: number;
  isStmt: boolean;
  /** The end_sequence row: the first address after the sequence. */
  end: boolean;
}

/** A sequence: rows in the order the program emits them (addresses ascending), the last one its end. */
export type LineSequence = LineRow[];

/** The line table is not what this reader knows: the accelerator then simply does not extend ranges. */
export class LineTableError extends Error {}

class Reader {
  constructor(
    private readonly b: Uint8Array,
    public at: number,
  ) {}
  u8(): number {
    if (this.at >= this.b.length) throw new LineTableError('.debug_line ends early');
    return this.b[this.at++];
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  uleb(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.u8();
      if (shift < 35) value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  }
  sleb(): number {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.u8();
      if (shift < 35) value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return byte & 0x40 && shift < 36 ? value - 2 ** shift : value;
  }
}

/** Every sequence of every unit in `section` (the bytes of .debug_line). Throws LineTableError. */
export function parseDebugLine(section: Uint8Array): LineSequence[] {
  const out: LineSequence[] = [];
  for (let unit = 0; unit < section.length;) {
    const r = new Reader(section, unit);
    const length = r.u32();
    if (length === 0xffffffff) throw new LineTableError('64-bit DWARF line tables are not read');
    const unitEnd = r.at + length;
    if (unitEnd > section.length) throw new LineTableError('a .debug_line unit runs past the section');
    const version = r.u16();
    if (version < 2 || version > 5) throw new LineTableError(`DWARF line table version ${version}`);
    let addressSize = 4;
    if (version >= 5) {
      addressSize = r.u8();
      r.u8(); // segment selector size
    }
    const headerLength = r.u32();
    const program = r.at + headerLength;
    const minInst = r.u8();
    if (version >= 4) r.u8(); // maximum operations per instruction (VLIW only)
    const defaultIsStmt = r.u8() !== 0;
    const lineBase = (r.u8() << 24) >> 24;
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    const argCounts = [0];
    for (let i = 1; i < opcodeBase; i++) argCounts.push(r.u8());
    if (lineRange === 0) throw new LineTableError('line_range of 0');
    runProgram(new Reader(section, program), unitEnd, {
      unit: String(unit),
      addressSize,
      minInst,
      defaultIsStmt,
      lineBase,
      lineRange,
      opcodeBase,
      argCounts,
      emit: (seq) => out.push(seq),
    });
    unit = unitEnd;
  }
  return out;
}

interface ProgramShape {
  unit: string;
  addressSize: number;
  minInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  argCounts: number[];
  emit(seq: LineSequence): void;
}

// The line-number state machine (DWARF 5 §6.2.5).
function runProgram(r: Reader, end: number, h: ProgramShape): void {
  let address = 0;
  let file = 1;
  let line = 1;
  let isStmt = h.defaultIsStmt;
  let rows: LineRow[] = [];
  const row = (isEnd: boolean): void => {
    rows.push({ address, file: `${h.unit}:${file}`, line, isStmt, end: isEnd });
  };
  while (r.at < end) {
    const op = r.u8();
    if (op >= h.opcodeBase) {
      const adjusted = op - h.opcodeBase;
      address += Math.floor(adjusted / h.lineRange) * h.minInst;
      line += h.lineBase + (adjusted % h.lineRange);
      row(false);
    } else if (op === 0) {
      const len = r.uleb();
      const next = r.at + len;
      const sub = len > 0 ? r.u8() : 0;
      if (sub === 1) {
        row(true);
        h.emit(rows);
        rows = [];
        address = 0;
        file = 1;
        line = 1;
        isStmt = h.defaultIsStmt;
      } else if (sub === 2) {
        address = h.addressSize === 4 ? r.u32() : Number(readWide(r, h.addressSize));
      }
      r.at = next;
    } else if (op === 1) row(false);
    else if (op === 2) address += r.uleb() * h.minInst;
    else if (op === 3) line += r.sleb();
    else if (op === 4) file = r.uleb();
    else if (op === 6) isStmt = !isStmt;
    else if (op === 8) address += Math.floor((255 - h.opcodeBase) / h.lineRange) * h.minInst;
    else if (op === 9) address += r.u16();
    else for (let i = 0; i < h.argCounts[op]; i++) r.uleb(); // column, basic block, prologue/epilogue, isa, …
  }
}

function readWide(r: Reader, size: number): bigint {
  let value = 0n;
  for (let i = 0; i < size; i++) value |= BigInt(r.u8()) << BigInt(8 * i);
  return value;
}
