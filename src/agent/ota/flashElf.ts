// Wraps a raw flash image in a minimal ARM ELF, because gdb `load` and QEMU `-kernel` take ELF files, not .bin.

const EHDR = 52;
const PHDR = 32;
const SHDR = 40;
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOTE = 7;

interface Section {
  name: string;
  type: number;
  flags: number;
  address: number;
  /** File bytes; `at` instead points into the image (the note lives inside the flash image). */
  data?: Buffer;
  at?: { offset: number; size: number };
  link?: number;
  info?: number;
  entsize?: number;
}

/** Facts that tools read back from the ELF (version as the signed manifest states it). */
export interface ElfFacts {
  version?: string;
}

/** Finds the GNU build-id note inside a flash image (the linker script places it after the vectors). */
export function findBuildIdNote(image: Uint8Array): { offset: number; size: number } | undefined {
  const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  for (let at = 0; at + 16 <= buf.length; at += 4) {
    if (buf.readUInt32LE(at) !== 4 || buf.readUInt32LE(at + 8) !== 3) continue;
    const descsz = buf.readUInt32LE(at + 4);
    if (descsz < 8 || descsz > 64 || at + 16 + descsz > buf.length) continue;
    if (buf.toString('latin1', at + 12, at + 16) === 'GNU\0') return { offset: at, size: 16 + descsz };
  }
  return undefined;
}

/**
 * Returns an ELF32 little-endian ARM executable holding `image` as one loadable `.text` section and segment at
 * `loadAddress` (virtual = physical); the entry point is the reset vector. Non-loaded extras let tools that
 * read firmware facts from ELFs keep working: `.note.gnu.build-id` (pointing at the note inside the image) and
 * an `fw_version` symbol holding `facts.version`.
 */
export function flashImageToElf(image: Uint8Array, loadAddress: number, facts: ElfFacts = {}): Buffer {
  const sections: Section[] = [
    { name: '.text', type: SHT_PROGBITS, flags: 0x6, address: loadAddress, at: { offset: 0, size: image.length } },
  ];
  const note = findBuildIdNote(image);
  if (note)
    sections.push({
      name: '.note.gnu.build-id',
      type: SHT_NOTE,
      flags: 0,
      address: loadAddress + note.offset,
      at: note,
    });
  if (facts.version !== undefined) {
    const version = Buffer.from(facts.version + '\0', 'utf8');
    const versionIndex = sections.push({
      name: '.outpost.version',
      type: SHT_PROGBITS,
      flags: 0,
      address: 0,
      data: version,
    });
    const symtab = Buffer.alloc(32);
    symtab.writeUInt32LE(1, 16); // st_name: "fw_version" at offset 1 of .strtab
    symtab.writeUInt32LE(version.length, 24);
    symtab.writeUInt8(0x11, 28); // STB_GLOBAL, STT_OBJECT
    symtab.writeUInt16LE(versionIndex, 30);
    const strtabIndex = versionIndex + 2;
    sections.push({
      name: '.symtab',
      type: SHT_SYMTAB,
      flags: 0,
      address: 0,
      data: symtab,
      link: strtabIndex,
      info: 1,
      entsize: 16,
    });
    sections.push({
      name: '.strtab',
      type: SHT_STRTAB,
      flags: 0,
      address: 0,
      data: Buffer.from('\0fw_version\0', 'latin1'),
    });
  }
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const shstrtab = Buffer.from(names.join('\0') + '\0', 'latin1');
  sections.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, address: 0, data: shstrtab });

  const imageOffset = 0x100;
  let cursor = imageOffset + image.length;
  const placed = sections.map((s) => {
    if (s.at) return { s, offset: imageOffset + s.at.offset, size: s.at.size };
    cursor = (cursor + 3) & ~3;
    const offset = cursor;
    cursor += (s.data as Buffer).length;
    return { s, offset, size: (s.data as Buffer).length };
  });
  const shOffset = (cursor + 3) & ~3;
  const out = Buffer.alloc(shOffset + (sections.length + 1) * SHDR);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0); // ELF, 32-bit, little-endian, version 1
  out.writeUInt16LE(2, 16); // ET_EXEC
  out.writeUInt16LE(40, 18); // EM_ARM
  out.writeUInt32LE(1, 20);
  out.writeUInt32LE(image.length >= 8 ? Buffer.from(image).readUInt32LE(4) : loadAddress, 24);
  out.writeUInt32LE(EHDR, 28);
  out.writeUInt32LE(shOffset, 32);
  out.writeUInt32LE(0x05000200, 36); // EABI version 5, soft-float
  out.writeUInt16LE(EHDR, 40);
  out.writeUInt16LE(PHDR, 42);
  out.writeUInt16LE(1, 44);
  out.writeUInt16LE(SHDR, 46);
  out.writeUInt16LE(sections.length + 1, 48);
  out.writeUInt16LE(sections.length, 50); // .shstrtab is last
  // The one PT_LOAD segment (read + execute) covers the image.
  out.writeUInt32LE(1, EHDR);
  out.writeUInt32LE(imageOffset, EHDR + 4);
  out.writeUInt32LE(loadAddress, EHDR + 8);
  out.writeUInt32LE(loadAddress, EHDR + 12);
  out.writeUInt32LE(image.length, EHDR + 16);
  out.writeUInt32LE(image.length, EHDR + 20);
  out.writeUInt32LE(5, EHDR + 24);
  out.writeUInt32LE(4, EHDR + 28);
  out.set(image, imageOffset);
  let nameOffset = 1;
  placed.forEach(({ s, offset, size }, i) => {
    if (s.data) out.set(s.data, offset);
    const at = shOffset + (i + 1) * SHDR; // section 0 stays all zero
    out.writeUInt32LE(nameOffset, at);
    nameOffset += Buffer.byteLength(s.name, 'latin1') + 1;
    out.writeUInt32LE(s.type, at + 4);
    out.writeUInt32LE(s.flags, at + 8);
    out.writeUInt32LE(s.address, at + 12);
    out.writeUInt32LE(offset, at + 16);
    out.writeUInt32LE(size, at + 20);
    out.writeUInt32LE(s.link ?? 0, at + 24);
    out.writeUInt32LE(s.info ?? 0, at + 28);
    out.writeUInt32LE(4, at + 32);
    out.writeUInt32LE(s.entsize ?? 0, at + 36);
  });
  return out;
}
