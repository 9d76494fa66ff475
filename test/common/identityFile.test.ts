// Key files on disk: mode 0600, never overwritten, read back exactly, and one-line errors for missing or broken files.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityFileError, readIdentityFile, writeIdentityFile } from '../../src/common/identityFile';
import { generateIdentity } from '../../src/protocol/identity';

describe('identity file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outpost-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes mode 0600 and reads back the same identity', () => {
    const id = generateIdentity();
    const path = join(dir, 'dev.key');
    writeIdentityFile(path, id);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readIdentityFile(path).publicKey, id.publicKey);
    assert.deepEqual(readdirSync(dir), ['dev.key'], 'no temporary file left behind');
  });

  it('refuses to overwrite an existing file and leaves it untouched', () => {
    const path = join(dir, 'dev.key');
    writeFileSync(path, 'precious');
    assert.throws(
      () => writeIdentityFile(path, generateIdentity()),
      (e: unknown) => e instanceof IdentityFileError && e.code === 'EXISTS' && e.message.includes(path),
    );
    assert.equal(readFileSync(path, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir), ['dev.key']);
  });

  it('reports a missing directory without creating anything', () => {
    assert.throws(
      () => writeIdentityFile(join(dir, 'no', 'such', 'k.key'), generateIdentity()),
      (e: unknown) => e instanceof IdentityFileError && e.code === 'UNREADABLE',
    );
  });

  it('explains a missing or invalid key file in one line', () => {
    assert.throws(
      () => readIdentityFile(join(dir, 'absent.key')),
      (e: unknown) => e instanceof IdentityFileError && e.code === 'NOT_FOUND' && /outpost keys new/.test(e.message),
    );
    const path = join(dir, 'bad.key');
    writeFileSync(path, '{"type":"outpost-ed25519-key"}');
    assert.throws(
      () => readIdentityFile(path),
      (e: unknown) => e instanceof IdentityFileError && e.code === 'INVALID' && !e.message.includes('\n'),
    );
  });
});
