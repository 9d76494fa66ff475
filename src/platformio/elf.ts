// A small pure reader for 32-bit little-endian ARM ELF executables: sections, symbols, build id, load segments.
import { FirmwareError } from './firmwareErrors';

/** A section header. */
export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly address: number;
  readonly offset: number;
  readonly size: number;
}

/** A symbol table entry (from .symtab). */
export interface ElfSymbol {
  readonly name: string;
  /** st_value as stored: Thumb functions have bit 0 set. */
  readonly value: number;
  /** Where the symbol starts in memory (Thumb bit cleared for functions), as nm and GDB show it. */
  readonly address: number;
  readonly size: number;
  /** STT_*: 0 none, 1 object, 2 function, 3 section, 4 file. */
  readonly type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  readonly bind: number;
  readonly sectionIndex: number;
}

/** A program header (segment). */
export interface ElfSegment {
  readonly type: number;
  readonly offset: number;
  readonly virtualAddress: number;
  /** Where the bytes live in flash (the load address, LMA). */
  readonly physicalAddress: number;
  readonly fileSize: number;
  readonly memorySize: number;
  readonly flags: number;
}

/** A parsed ELF image. Offsets refer to `bytes`. */
export interface ElfImage {
  readonly bytes: Uint8Array;
  readonly entry: number;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  readonly symbols: readonly ElfSymbol[];
  /** Lowercase hex of the NT_GNU_BUILD_ID note, when the image has one. */
  readonly buildId: string | undefined;
}

export const EM_ARM = 40;
export const PT_LOAD = 1;
export const SHT_SYMTAB = 2;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
const NT_GNU_BUILD_ID = 3;
const STT_FUNC = 2;

/** Parses an ARM ELF32 executable. Throws FirmwareError NOT_ELF, NOT_ARM_ELF or ELF_DAMAGED. */
export function parseElf(bytes: Uint8Array, file = 'firmware'): ElfImage {
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new FirmwareError('NOT_ELF', `${file} is not an ELF file; give the firmware.elf of an ARM build`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  if (bytes[4] !== 1 || bytes[5] !== 1 || u16(18) !== EM_ARM || u16(16) !== 2) {
    throw new FirmwareError(
      'NOT_ARM_ELF',
      `${file} is not a 32-bit ARM executable ELF; give the firmware.elf of a Cortex-M build (arm-none-eabi-gcc)`,
    );
  }
  const damaged = (what: string): FirmwareError =>
    new FirmwareError('ELF_DAMAGED', `${file} is damaged (${what}); rebuild it`);
  const inside = (offset: number, size: number): boolean => offset >= 0 && size >= 0 && offset + size <= bytes.length;

  const phoff = u32(28),
    shoff = u32(32);
  const phentsize = u16(42),
    phnum = u16(44),
    shentsize = u16(46),
    shnum = u16(48),
    shstrndx = u16(50);
  if (phnum > 0 && (phentsize < 32 || !inside(phoff, phnum * phentsize))) throw damaged('program headers');
  if (shnum > 0 && (shentsize < 40 || !inside(shoff, shnum * shentsize) || shstrndx >= shnum)) {
    throw damaged('section headers');
  }

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const seg: ElfSegment = {
      type: u32(at),
      offset: u32(at + 4),
      virtualAddress: u32(at + 8),
      physicalAddress: u32(at + 12),
      fileSize: u32(at + 16),
      memorySize: u32(at + 20),
      flags: u32(at + 24),
    };
    if (seg.type === PT_LOAD && !inside(seg.offset, seg.fileSize)) throw damaged('a load segment');
    segments.push(seg);
  }

  const rawSections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      nameOffset: u32(at),
      type: u32(at + 4),
      flags: u32(at + 8),
      address: u32(at + 12),
      offset: u32(at + 16),
      size: u32(at + 20),
      link: u32(at + 24),
      entsize: u32(at + 36),
    };
  });
  for (const s of rawSections) {
    if (s.type !== SHT_NOBITS && s.type !== 0 && !inside(s.offset, s.size)) throw damaged('a section');
  }
  const names = rawSections[shstrndx];
  const sections: ElfSection[] = rawSections.map((s, index) => ({
    index,
    name: names ? cString(bytes, names.offset + s.nameOffset, names.offset + names.size) : '',
    type: s.type,
    flags: s.flags,
    address: s.address,
    offset: s.offset,
    size: s.size,
  }));

  const symbols: ElfSymbol[] = [];
  const symtab = rawSections.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    const strtab = rawSections[symtab.link];
    if (!strtab || symtab.entsize < 16) throw damaged('symbol table');
    for (let at = symtab.offset; at + 16 <= symtab.offset + symtab.size; at += symtab.entsize) {
      const info = bytes[at + 12]!;
      const value = u32(at + 4);
      symbols.push({
        name: cString(bytes, strtab.offset + u32(at), strtab.offset + strtab.size),
        value,
        address: (info & 0xf) === STT_FUNC ? (value & ~1) >>> 0 : value,
        size: u32(at + 8),
        type: info & 0xf,
        bind: info >> 4,
        sectionIndex: u16(at + 14),
      });
    }
  }

  return { bytes, entry: u32(24), sections, segments, symbols, buildId: findBuildId(bytes, sections, view) };
}

// Walks every SHT_NOTE section (the linker script may fold the note into .text, so also look by name there).
function findBuildId(bytes: Uint8Array, sections: readonly ElfSection[], view: DataView): string | undefined {
  for (const s of sections) {
    if (s.type !== SHT_NOTE) continue;
    let at = s.offset;
    const end = s.offset + s.size;
    while (at + 12 <= end) {
      const namesz = view.getUint32(at, true),
        descsz = view.getUint32(at + 4, true),
        type = view.getUint32(at + 8, true);
      const nameAt = at + 12,
        descAt = nameAt + align4(namesz);
      if (descAt + descsz > end) break;
      if (type === NT_GNU_BUILD_ID && namesz === 4 && cString(bytes, nameAt, nameAt + 4) === 'GNU') {
        return Buffer.from(bytes.subarray(descAt, descAt + descsz)).toString('hex');
      }
      at = descAt + align4(descsz);
    }
  }
  return undefined;
}

/** The symbol called `name` (globals before locals), or undefined. */
export function findSymbol(elf: ElfImage, name: string): ElfSymbol | undefined {
  const matches = elf.symbols.filter((s) => s.name === name && s.sectionIndex !== 0);
  return matches.find((s) => s.bind !== 0) ?? matches[0];
}

/** The file bytes behind a symbol's address (size from the symbol), or undefined when it has none in the file. */
export function symbolBytes(elf: ElfImage, sym: ElfSymbol): Uint8Array | undefined {
  const section = elf.sections[sym.sectionIndex];
  if (!section || section.type === SHT_NOBITS) return undefined;
  const start = section.offset + (sym.address - section.address);
  const end = Math.min(start + sym.size, section.offset + section.size);
  if (start < section.offset || end <= start) return undefined;
  return elf.bytes.subarray(start, end);
}

/** The initial value of a `const char NAME[]` symbol, up to its first NUL (e.g. `fw_version`). */
export function readStringSymbol(elf: ElfImage, name: string): string | undefined {
  const sym = findSymbol(elf, name);
  const data = sym && symbolBytes(elf, sym);
  return data ? cString(data, 0, data.length) : undefined;
}

/** One contiguous piece of the flash image. */
export interface LoadChunk {
  readonly address: number;
  readonly data: Uint8Array;
}

/** The bytes a programmer writes to flash: each PT_LOAD segment's file bytes at its load (physical) address. */
export function loadChunks(elf: ElfImage): LoadChunk[] {
  return elf.segments
    .filter((s) => s.type === PT_LOAD && s.fileSize > 0)
    .map((s) => ({ address: s.physicalAddress, data: elf.bytes.subarray(s.offset, s.offset + s.fileSize) }))
    .sort((a, b) => a.address - b.address);
}

/** The raw image `objcopy -O binary` makes: load chunks from the lowest address, gaps filled with 0xff. */
export function flatImage(elf: ElfImage): LoadChunk {
  const chunks = loadChunks(elf);
  if (chunks.length === 0) return { address: 0, data: new Uint8Array(0) };
  const base = chunks[0]!.address;
  const last = chunks[chunks.length - 1]!;
  const out = new Uint8Array(last.address + last.data.length - base).fill(0xff);
  for (const c of chunks) out.set(c.data, c.address - base);
  return { address: base, data: out };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function cString(bytes: Uint8Array, start: number, limit: number): string {
  let end = start;
  while (end < limit && end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(start, end)).toString('utf8');
}
