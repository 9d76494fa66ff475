// Flash progress from GDB's +download records: sections add up, the percentage never passes 99 before the load ends.
import assert from 'node:assert/strict';
import { parseMiLine } from '../../../src/debug/mi/parse';
import type { MiTuple } from '../../../src/debug/mi/types';
import { FlashProgress, loadableBytes } from '../../../src/debug/session/flashProgress';
import type { ElfImage, ElfSection } from '../../../src/platformio/elf';

/** The fields of one `+download` line as GDB prints it. */
const record = (line: string): MiTuple => {
  const r = parseMiLine(line);
  assert.equal(r.kind, 'status');
  return (r as { results: MiTuple }).results;
};

const section = (name: string, type: number, flags: number, size: number): ElfSection => ({
  index: 0,
  name,
  type,
  flags,
  address: 0,
  offset: 0,
  size,
});

describe('flash progress', () => {
  it('counts the allocated sections with contents: what GDB writes, not .bss or debug info', () => {
    const elf = {
      sections: [
        section('.vectors', 1, 0x2, 384),
        section('.text', 1, 0x6, 7516),
        section('.data', 1, 0x3, 24),
        section('.bss', 8, 0x3, 43000),
        section('.debug_info', 1, 0, 90000),
      ],
    } as unknown as ElfImage;
    assert.equal(loadableBytes(elf), 384 + 7516 + 24);
  });

  it('adds finished sections to the one being written and says how far, in KiB and percent', () => {
    const p = new FlashProgress(8192);
    assert.deepEqual(p.feed(record('11+download,{section=".vectors",section-size="1024",total-size="51646"}')), {
      message: 'flashing .vectors: 0.0 of 8.0 KiB',
      percentage: 0,
    });
    p.feed(record('11+download,{section=".text",section-size="7168",total-size="51646"}'));
    const mid = p.feed(
      record(
        '11+download,{section=".text",section-sent="3072",section-size="7168",total-sent="4096",total-size="51646"}',
      ),
    );
    assert.deepEqual(mid, { message: 'flashing .text: 4.0 of 8.0 KiB', percentage: 50 });
    const end = p.feed(record('11+download,{section=".text",section-sent="7168",section-size="7168"}'));
    assert.equal(end?.percentage, 99, 'the load itself ends at 100');
  });

  it('without the ELF total says bytes only; a record without a section is skipped', () => {
    const p = new FlashProgress(undefined);
    assert.deepEqual(p.feed(record('+download,{section=".text",section-sent="2048",section-size="4096"}')), {
      message: 'flashing .text: 2.0 KiB sent',
    });
    assert.equal(p.feed(record('+download,{total-size="5"}')), undefined);
  });
});
