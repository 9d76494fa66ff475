// Identity key files on disk: written once with mode 0600 (never overwritten, never half-written) and read back with one-line errors.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseIdentity, serializeIdentity, type Identity } from '../protocol/identity';

/** Why a key file could not be written or read. */
export type IdentityFileErrorCode = 'EXISTS' | 'NOT_FOUND' | 'UNREADABLE' | 'INVALID';

/** A key-file failure; `message` is one line naming the file and what to do. */
export class IdentityFileError extends Error {
  constructor(
    readonly code: IdentityFileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityFileError';
  }
}

/**
 * Writes `identity` to `path` with mode 0600. Refuses (EXISTS) if the path exists. The file appears atomically:
 * it is written under a temporary name in the same directory and hard-linked into place, which fails if the
 * path was taken meanwhile.
 */
export function writeIdentityFile(path: string, identity: Identity): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, serializeIdentity(identity), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new IdentityFileError('UNREADABLE', `cannot write key file ${path}: ${(e as Error).message}`);
  }
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new IdentityFileError('EXISTS', `${path} already exists; choose another path or remove it first`);
    throw new IdentityFileError('UNREADABLE', `cannot write key file ${path}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Reads and validates a key file; throws IdentityFileError with a one-line message (never key material). */
export function readIdentityFile(path: string): Identity {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new IdentityFileError(
        'NOT_FOUND',
        `key file ${path} not found; create one with: outpost keys new --out ${path}`,
      );
    throw new IdentityFileError('UNREADABLE', `cannot read key file ${path}: ${(e as Error).message}`);
  }
  const parsed = parseIdentity(text);
  if (!parsed.ok) throw new IdentityFileError('INVALID', `key file ${path} is invalid: ${parsed.reason}`);
  return parsed.identity;
}
