// A raw flash image wrapped in ELF reads back, through the project's ELF reader, as the same bytes at the same place.
import assert from 'node:assert/strict';
import { flashImageToElf } from '../../../src/agent/ota/flashElf';
import { flatImage, loadChunks, parseElf } from '../../../src/platformio/elf';

describe('agent/ota/flashElf', () => {
  const image = Buffer.alloc(1001);
  image.writeUInt32LE(0x38200000, 0);
  image.writeUInt32LE(0x10000499, 4);
  for (let i = 8; i < image.length; i++) image[i] = (i * 13) & 0xff;

  it('loads the image at the load address with the reset vector as entry', () => {
    const elf = parseElf(flashImageToElf(image, 0x10000000));
    assert.equal(elf.entry, 0x10000499);
    assert.deepEqual(
      loadChunks(elf).map((c) => c.address),
      [0x10000000],
    );
    const flat = flatImage(elf);
    assert.equal(flat.address, 0x10000000);
    assert.deepEqual(Buffer.from(flat.data), image);
    assert.deepEqual(
      elf.sections.map((s) => s.name),
      ['', '.text', '.shstrtab'],
    );
  });
});
