// The ELF reader on images assembled byte by byte: sections, symbols, build id, load image, and bad input.
import assert from 'node:assert/strict';
import { findSymbol, flatImage, loadChunks, parseElf, readStringSymbol } from '../../src/platformio/elf';
import { FirmwareError, type FirmwareErrorCode } from '../../src/platformio/firmwareErrors';

interface Sec {
  name: string;
  type: number;
  flags: number;
  addr: number;
  data: Buffer;
  link?: number;
  entsize?: number;
}

// Lays out an ELF32 LE ARM executable: header, one PT_LOAD over .text, then section data and headers.
function makeElf(opts: { machine?: number; version?: string; buildId?: Buffer; dataAt?: number } = {}): Buffer {
  const text = Buffer.concat([Buffer.from([1, 2, 3, 4]), Buffer.from((opts.version ?? '1.2.3') + '\0')]);
  const id = opts.buildId ?? Buffer.from('00112233445566778899aabbccddeeff01234567', 'hex');
  const note = Buffer.alloc(16 + id.length);
  note.writeUInt32LE(4, 0);
  note.writeUInt32LE(id.length, 4);
  note.writeUInt32LE(3, 8);
  note.write('GNU\0', 12);
  id.copy(note, 16);
  const data = Buffer.from([0xaa, 0xbb]);
  const strtab = Buffer.from('\0fw_version\0main\0');
  const sym = (name: number, value: number, size: number, info: number, shndx: number): Buffer => {
    const b = Buffer.alloc(16);
    b.writeUInt32LE(name, 0);
    b.writeUInt32LE(value, 4);
    b.writeUInt32LE(size, 8);
    b[12] = info;
    b.writeUInt16LE(shndx, 14);
    return b;
  };
  const symtab = Buffer.concat([
    sym(0, 0, 0, 0, 0),
    sym(1, 0x08000004, text.length - 4, 0x11, 1),
    sym(12, 0x08000000, 4, 0x12, 1),
  ]);
  const secs: Sec[] = [
    { name: '.text', type: 1, flags: 6, addr: 0x08000000, data: text },
    { name: '.note.gnu.build-id', type: 7, flags: 2, addr: 0x08000100, data: note },
    { name: '.data', type: 1, flags: 3, addr: 0x20000000, data },
    { name: '.symtab', type: 2, flags: 0, addr: 0, data: symtab, link: 5, entsize: 16 },
    { name: '.strtab', type: 3, flags: 0, addr: 0, data: strtab },
    { name: '.shstrtab', type: 3, flags: 0, addr: 0, data: Buffer.alloc(0) },
  ];
  const shstr = Buffer.from('\0' + secs.map((s) => s.name + '\0').join(''));
  secs[5]!.data = shstr;
  const header = Buffer.alloc(52);
  const ph = Buffer.alloc(64);
  let offset = 52 + 64;
  const placed = secs.map((s) => {
    const at = offset;
    offset += s.data.length;
    return at;
  });
  const shoff = offset;
  header.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  header.writeUInt16LE(2, 16);
  header.writeUInt16LE(opts.machine ?? 40, 18);
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(0x08000001, 24);
  header.writeUInt32LE(52, 28);
  header.writeUInt32LE(shoff, 32);
  header.writeUInt16LE(52, 40);
  header.writeUInt16LE(32, 42);
  header.writeUInt16LE(2, 44);
  header.writeUInt16LE(40, 46);
  header.writeUInt16LE(secs.length + 1, 48);
  header.writeUInt16LE(6, 50);
  // PT_LOAD .text at its address; PT_LOAD .data stored in flash right after .text (LMA != VMA).
  const load = (at: number, off: number, vaddr: number, paddr: number, size: number): void => {
    ph.writeUInt32LE(1, at);
    ph.writeUInt32LE(off, at + 4);
    ph.writeUInt32LE(vaddr, at + 8);
    ph.writeUInt32LE(paddr, at + 12);
    ph.writeUInt32LE(size, at + 16);
    ph.writeUInt32LE(size, at + 20);
  };
  load(0, placed[0]!, 0x08000000, 0x08000000, text.length);
  load(32, placed[2]!, 0x20000000, opts.dataAt ?? 0x08000010, data.length);
  const shdrs = Buffer.alloc(40 * (secs.length + 1));
  secs.forEach((s, i) => {
    const at = 40 * (i + 1);
    shdrs.writeUInt32LE(shstr.indexOf('\0' + s.name + '\0') + 1, at);
    shdrs.writeUInt32LE(s.type, at + 4);
    shdrs.writeUInt32LE(s.flags, at + 8);
    shdrs.writeUInt32LE(s.addr, at + 12);
    shdrs.writeUInt32LE(placed[i]!, at + 16);
    shdrs.writeUInt32LE(s.data.length, at + 20);
    shdrs.writeUInt32LE(s.link ?? 0, at + 24);
    shdrs.writeUInt32LE(s.entsize ?? 0, at + 36);
  });
  return Buffer.concat([header, ph, ...secs.map((s) => s.data), shdrs]);
}

function code(fn: () => unknown): FirmwareErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof FirmwareError) return err.code;
    throw err;
  }
  return undefined;
}

describe('ELF reader', () => {
  it('lists sections by name, with addresses and sizes', () => {
    const elf = parseElf(makeElf());
    const names = elf.sections.map((s) => s.name);
    assert.deepEqual(names, ['', '.text', '.note.gnu.build-id', '.data', '.symtab', '.strtab', '.shstrtab']);
    assert.equal(elf.sections[1]!.address, 0x08000000);
    assert.equal(elf.entry, 0x08000001);
  });

  it('reads the GNU build id note as hex', () => {
    const id = Buffer.from('feedface'.repeat(5), 'hex');
    assert.equal(parseElf(makeElf({ buildId: id })).buildId, id.toString('hex'));
  });

  it('reads a string symbol (the firmware version) from the section that holds it', () => {
    const elf = parseElf(makeElf({ version: '4.5.6-rc1' }));
    assert.equal(readStringSymbol(elf, 'fw_version'), '4.5.6-rc1');
    assert.equal(findSymbol(elf, 'main')?.type, 2);
    assert.equal(readStringSymbol(elf, 'no_such_symbol'), undefined);
  });

  it('builds the flash image from load addresses, filling gaps with 0xff', () => {
    const elf = parseElf(makeElf({ dataAt: 0x08000010 }));
    assert.deepEqual(
      loadChunks(elf).map((c) => c.address),
      [0x08000000, 0x08000010],
    );
    const flat = flatImage(elf);
    assert.equal(flat.address, 0x08000000);
    assert.equal(flat.data.length, 0x12);
    assert.deepEqual([...flat.data.subarray(0, 4)], [1, 2, 3, 4]);
    assert.equal(flat.data[0x0f], 0xff);
    assert.deepEqual([...flat.data.subarray(0x10)], [0xaa, 0xbb]);
  });

  it('refuses what is not an ARM ELF executable, saying so', () => {
    assert.equal(
      code(() => parseElf(Buffer.from('#!/bin/sh\necho hi\n'))),
      'NOT_ELF',
    );
    assert.equal(
      code(() => parseElf(makeElf({ machine: 62 }))),
      'NOT_ARM_ELF',
    );
    const msg = (() => {
      try {
        parseElf(makeElf({ machine: 62 }), 'x86.elf');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    assert.match(msg, /x86\.elf is not a 32-bit ARM executable/);
  });

  it('refuses a truncated file instead of reading past its end', () => {
    const full = makeElf();
    assert.equal(
      code(() => parseElf(full.subarray(0, full.length - 30))),
      'ELF_DAMAGED',
    );
    assert.equal(
      code(() => parseElf(full.subarray(0, 60))),
      'ELF_DAMAGED',
    );
  });
});
