// Signing a build for OTA: what a build must state before devices will take it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flashImageToElf } from '../../src/agent/ota/flashElf';
import { ReleaseIncomplete, signBuild } from '../../src/extension/deployBuild';
import { generateIdentity } from '../../src/protocol/identity';

describe('signing a build', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outpost-sign-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an ELF that does not say its board or build id, naming what is missing', async () => {
    // A vector table and a little code, with a version symbol but no board_name and no build-id note.
    const image = Buffer.alloc(256);
    image.writeUInt32LE(0x38200000, 0);
    image.writeUInt32LE(0x10000041, 4);
    const elf = join(dir, 'firmware.elf');
    writeFileSync(elf, flashImageToElf(image, 0x10000000, { version: '2.1.0' }));
    await assert.rejects(signBuild(elf, generateIdentity()), (err: unknown) => {
      assert.ok(err instanceof ReleaseIncomplete);
      assert.match(err.message, /does not state its board \(board_name\), a GNU build id/);
      assert.doesNotMatch(err.message, /its version/);
      return true;
    });
  });

  it('says when the build output is not there', async () => {
    await assert.rejects(signBuild(join(dir, 'missing.elf'), generateIdentity()), /not found; build it first/);
  });
});
