// Wraps a raw flash image in a minimal ARM ELF, because gdb `load` and QEMU `-kernel` take ELF files, not .bin.

const EHDR = 52;
const PHDR = 32;
const SHDR = 40;
const SHSTRTAB = Buffer.from('\0.text\0.shstrtab\0', 'latin1');

/**
 * Returns an ELF32 little-endian ARM executable holding `image` as one loadable `.text` section and segment
 * at `loadAddress` (virtual = physical). The entry point is the reset vector (word 1 of the vector table),
 * which is what a Cortex-M core starts from anyway.
 */
export function flashImageToElf(image: Uint8Array, loadAddress: number): Buffer {
  const dataOffset = 0x100;
  const strOffset = dataOffset + image.length;
  const shOffset = (strOffset + SHSTRTAB.length + 3) & ~3;
  const out = Buffer.alloc(shOffset + 3 * SHDR);
  // e_ident: ELF magic, 32-bit, little-endian, version 1, System V ABI.
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  out.writeUInt16LE(2, 16); // ET_EXEC
  out.writeUInt16LE(40, 18); // EM_ARM
  out.writeUInt32LE(1, 20);
  out.writeUInt32LE(image.length >= 8 ? Buffer.from(image).readUInt32LE(4) : loadAddress, 24);
  out.writeUInt32LE(EHDR, 28); // e_phoff
  out.writeUInt32LE(shOffset, 32); // e_shoff
  out.writeUInt32LE(0x05000200, 36); // EABI version 5, soft-float
  out.writeUInt16LE(EHDR, 40);
  out.writeUInt16LE(PHDR, 42);
  out.writeUInt16LE(1, 44);
  out.writeUInt16LE(SHDR, 46);
  out.writeUInt16LE(3, 48);
  out.writeUInt16LE(2, 50); // e_shstrndx
  // The one PT_LOAD segment: read + execute.
  out.writeUInt32LE(1, EHDR);
  out.writeUInt32LE(dataOffset, EHDR + 4);
  out.writeUInt32LE(loadAddress, EHDR + 8);
  out.writeUInt32LE(loadAddress, EHDR + 12);
  out.writeUInt32LE(image.length, EHDR + 16);
  out.writeUInt32LE(image.length, EHDR + 20);
  out.writeUInt32LE(5, EHDR + 24);
  out.writeUInt32LE(4, EHDR + 28);
  out.set(image, dataOffset);
  out.set(SHSTRTAB, strOffset);
  // Section 1: .text, PROGBITS, ALLOC|EXECINSTR. Section 2: .shstrtab. Section 0 stays all zero.
  const text = shOffset + SHDR;
  out.writeUInt32LE(1, text);
  out.writeUInt32LE(1, text + 4);
  out.writeUInt32LE(0x6, text + 8);
  out.writeUInt32LE(loadAddress, text + 12);
  out.writeUInt32LE(dataOffset, text + 16);
  out.writeUInt32LE(image.length, text + 20);
  out.writeUInt32LE(4, text + 32);
  const strtab = shOffset + 2 * SHDR;
  out.writeUInt32LE(7, strtab);
  out.writeUInt32LE(3, strtab + 4);
  out.writeUInt32LE(strOffset, strtab + 16);
  out.writeUInt32LE(SHSTRTAB.length, strtab + 20);
  out.writeUInt32LE(1, strtab + 32);
  return out;
}
