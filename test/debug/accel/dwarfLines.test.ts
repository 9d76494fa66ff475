// The DWARF line table reader and the pieces GDB's `next` steps through on its own, on hand-assembled units.
import assert from 'node:assert/strict';
import { LineTableError, parseDebugLine } from '../../../src/debug/accel/dwarfLines';
import { StepPieces } from '../../../src/debug/accel/stepPieces';

const u32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const str = (s: string): number[] => [...Buffer.from(s + '\0')];

/** The header after header_length: min_inst 2, line_base -5, line_range 14, opcode_base 13, and the file list. */
function header(version: number): number[] {
  const shape = [2, ...(version >= 4 ? [1] : []), 1, 0xfb, 14, 13, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
  const files =
    version >= 5 ? [1, 1, 0x08, 1, ...str('/src'), 1, 1, 0x08, 1, ...str('a.c')] : [0, ...str('a.c'), 0, 0, 0, 0];
  return [...shape, ...files];
}

/** One unit: line 1 stmt at 0x100, line 1 not stmt at 0x104, line 4 not stmt at 0x108, line 5 stmt at 0x10c. */
function unit(version: number): number[] {
  const program = [
    ...[0, 5, 2, ...u32(0x100)], // set_address
    1, // copy
    6, // negate_stmt
    46, // special: address +4, line +0
    ...[3, 3], // advance_line +3
    46,
    6,
    47, // special: address +4, line +1
    ...[2, 2], // advance_pc 2 × min_inst
    ...[0, 1, 1], // end_sequence
  ];
  const head = header(version);
  const afterLength = [...(version >= 5 ? [4, 0] : []), ...u32(head.length), ...head, ...program];
  const body = [version & 0xff, version >> 8, ...afterLength];
  return [...u32(body.length), ...body];
}

describe('DWARF line table', () => {
  for (const version of [2, 3, 4, 5]) {
    it(`reads the rows of a version ${version} unit`, () => {
      const [seq] = parseDebugLine(Uint8Array.from(unit(version)));
      assert.deepEqual(
        seq.map((r) => [r.address, r.line, r.isStmt, r.end]),
        [
          [0x100, 1, true, false],
          [0x104, 1, false, false],
          [0x108, 4, false, false],
          [0x10c, 5, true, false],
          [0x110, 5, true, true],
        ],
      );
    });
  }

  it('reads units one after another and refuses what it does not know', () => {
    assert.equal(parseDebugLine(Uint8Array.from([...unit(5), ...unit(3)])).length, 2);
    assert.throws(() => parseDebugLine(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0])), LineTableError);
    assert.throws(() => parseDebugLine(Uint8Array.from(unit(5)).subarray(0, 30)), LineTableError);
  });

  it('gives the run of non-statement pieces after a range, ending at a statement, line 0 or a gap', () => {
    const pieces = new StepPieces(parseDebugLine(Uint8Array.from(unit(5))));
    assert.deepEqual(pieces.after(0x104), [
      [0x104, 0x108],
      [0x108, 0x10c],
    ]);
    assert.deepEqual(pieces.after(0x108), [[0x108, 0x10c]]);
    assert.deepEqual(pieces.after(0x10c), [], 'a statement: GDB stops there');
    assert.deepEqual(pieces.after(0x100), []);
    assert.deepEqual(pieces.after(0x106), [], 'not the start of a piece');
    const row = (address: number, line: number, isStmt: boolean, end = false) => ({
      address,
      file: 'u:1',
      line,
      isStmt,
      end,
    });
    const lineZero = new StepPieces([[row(0x200, 3, true), row(0x204, 0, false), row(0x208, 3, false, true)]]);
    assert.deepEqual(lineZero.after(0x204), [], 'line 0: GDB stops');
    const shared = new StepPieces([
      [row(0x300, 3, false), row(0x304, 3, false, true)],
      [row(0x300, 7, false), row(0x308, 7, false, true)],
    ]);
    assert.deepEqual(shared.after(0x300), [], 'two sequences claim the address: neither is trusted');
  });
});
