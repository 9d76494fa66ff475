// Reads section headers and the GNU build id from a 32-bit little-endian ELF (what arm-none-eabi-gcc emits).

/** One section as the ELF describes it. */
export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  address: number;
  offset: number;
  size: number;
}

export const SHT_PROGBITS = 1;
export const SHT_NOTE = 7;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;

/** Parses section headers; returns an error string for anything that is not a sane ELF32 LE file. */
export function readElfSections(file: Uint8Array): ElfSection[] | string {
  if (file.length < 52 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    return 'not an ELF file';
  }
  if (file[4] !== 1 || file[5] !== 1) return 'not a 32-bit little-endian ELF (is this an ARM Cortex-M build?)';
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const shoff = v.getUint32(32, true);
  const shentsize = v.getUint16(46, true);
  const shnum = v.getUint16(48, true);
  const shstrndx = v.getUint16(50, true);
  if (shentsize < 40 || shoff + shnum * shentsize > file.length || shstrndx >= shnum)
    return 'ELF section table is damaged';
  const raw = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return {
      nameOff: v.getUint32(o, true),
      type: v.getUint32(o + 4, true),
      flags: v.getUint32(o + 8, true),
      address: v.getUint32(o + 12, true),
      offset: v.getUint32(o + 16, true),
      size: v.getUint32(o + 20, true),
    };
  });
  const strtab = raw[shstrndx];
  const nameAt = (off: number): string => {
    let end = strtab.offset + off;
    while (end < file.length && end < strtab.offset + strtab.size && file[end] !== 0) end++;
    return new TextDecoder().decode(file.subarray(strtab.offset + off, end));
  };
  return raw.map((s) => ({
    name: nameAt(s.nameOff),
    type: s.type,
    flags: s.flags,
    address: s.address,
    offset: s.offset,
    size: s.size,
  }));
}

/** The bytes of a section as stored in the file (empty for NOBITS or out-of-range sections). */
export function sectionBytes(file: Uint8Array, s: ElfSection): Uint8Array {
  if (s.type === 8 || s.offset + s.size > file.length) return new Uint8Array(0);
  return file.subarray(s.offset, s.offset + s.size);
}

/** The GNU build id as lowercase hex, from `.note.gnu.build-id`, or undefined. */
export function gnuBuildId(file: Uint8Array, sections: ElfSection[]): string | undefined {
  const note = sections.find((s) => s.type === SHT_NOTE && s.name === '.note.gnu.build-id');
  if (!note) return undefined;
  return buildIdFromNote(sectionBytes(file, note));
}

/** The build id in the bytes of a GNU build-id note (as stored in the ELF or read back from the target). */
export function buildIdFromNote(b: Uint8Array): string | undefined {
  if (b.length < 16) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const namesz = v.getUint32(0, true);
  const descsz = v.getUint32(4, true);
  const descOff = 12 + Math.ceil(namesz / 4) * 4;
  if (v.getUint32(8, true) !== 3 || descOff + descsz > b.length) return undefined;
  return Array.from(b.subarray(descOff, descOff + descsz), (x) => x.toString(16).padStart(2, '0')).join('');
}
