// The staging area: downloads resume from what is on disk with the same digest, and bad bytes never pass.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Staging } from '../../../src/agent/ota/staging';

describe('agent/ota/staging', () => {
  let dir: string;
  const image = randomBytes(100_000);
  const sha = createHash('sha256').update(image).digest('hex');

  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-staging-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resumes a download after the process lost it and verifies the whole image', async () => {
    const staging = new Staging(dir);
    const first = await staging.open(sha, image.length);
    assert.equal(first.offset, 0);
    await first.write(0, image.subarray(0, 30_000));
    await first.write(30_000, image.subarray(30_000, 51_234));
    await first.close();

    const again = await new Staging(dir).open(sha, image.length);
    assert.equal(again.offset, 51_234);
    await again.write(51_234, image.subarray(51_234));
    assert.ok(again.complete);
    const file = await again.finish();
    assert.deepEqual(fs.readFileSync(file), image);
  });

  it('refuses chunks out of order or past the end', async () => {
    const d = await new Staging(dir).open(sha, image.length);
    await assert.rejects(d.write(10, image.subarray(10, 20)), { code: 'TRANSFER_ERROR' });
    await assert.rejects(d.write(0, Buffer.concat([image, Buffer.from('x')])), { code: 'TRANSFER_ERROR' });
    await d.close();
  });

  it('throws HASH_MISMATCH for tampered bytes and starts the next attempt from zero', async () => {
    const tampered = Buffer.from(image);
    tampered[500] ^= 1;
    const d = await new Staging(dir).open(sha, image.length);
    await d.write(0, tampered);
    await assert.rejects(d.finish(), { code: 'HASH_MISMATCH' });
    assert.equal((await new Staging(dir).open(sha, image.length)).offset, 0);
  });

  it('keeps one image staged: opening another drops the old partial', async () => {
    const staging = new Staging(dir);
    const a = await staging.open(sha, image.length);
    await a.write(0, image.subarray(0, 10));
    await a.close();
    const b = await staging.open('00'.repeat(32), 5);
    await b.close();
    assert.deepEqual(fs.readdirSync(dir), [`${'00'.repeat(32)}.part`]);
  });
});
