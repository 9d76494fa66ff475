// A raw flash image wrapped in ELF reads back, through the project's ELF reader, as the same bytes at the same
// place, with the build id and version tools look for.
import assert from 'node:assert/strict';
import { findBuildIdNote, flashImageToElf } from '../../../src/agent/ota/flashElf';
import { flatImage, loadChunks, parseElf, readStringSymbol } from '../../../src/platformio/elf';

function image(withNote: boolean): Buffer {
  const img = Buffer.alloc(1001);
  img.writeUInt32LE(0x38200000, 0);
  img.writeUInt32LE(0x10000499, 4);
  for (let i = 8; i < img.length; i++) img[i] = (i * 13) & 0xff;
  if (withNote) {
    // namesz 4, descsz 20, NT_GNU_BUILD_ID, "GNU\0", 20 id bytes — right after a 0x180-byte vector table.
    img.writeUInt32LE(4, 0x180);
    img.writeUInt32LE(20, 0x184);
    img.writeUInt32LE(3, 0x188);
    img.write('GNU\0', 0x18c, 'latin1');
    for (let i = 0; i < 20; i++) img[0x190 + i] = 0xa0 + i;
  }
  return img;
}

describe('agent/ota/flashElf', () => {
  it('loads the image at the load address with the reset vector as entry', () => {
    const img = image(false);
    const elf = parseElf(flashImageToElf(img, 0x10000000));
    assert.equal(elf.entry, 0x10000499);
    assert.deepEqual(
      loadChunks(elf).map((c) => c.address),
      [0x10000000],
    );
    const flat = flatImage(elf);
    assert.equal(flat.address, 0x10000000);
    assert.deepEqual(Buffer.from(flat.data), img);
    assert.equal(elf.buildId, undefined);
  });

  it('exposes the build id found in the image and the version it is given', () => {
    const img = image(true);
    assert.deepEqual(findBuildIdNote(img), { offset: 0x180, size: 36 });
    const elf = parseElf(flashImageToElf(img, 0x08000000, { version: '2.1.0-rc1' }));
    assert.equal(elf.buildId, 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3');
    assert.equal(readStringSymbol(elf, 'fw_version'), '2.1.0-rc1');
    assert.deepEqual(Buffer.from(flatImage(elf).data), img, 'the extras are not loaded');
  });
});
