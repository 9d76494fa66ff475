// Key files the demo keeps in its data directory: read when present (a demo restarted on the same --data), else created.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readIdentityFile, writeIdentityFile } from '../../common/identityFile';
import { generateIdentity, type Identity } from '../../protocol/identity';

/** The identity in `file`, creating the file (mode 0600, atomically) and its folder when missing. */
export function ensureIdentityFile(file: string): Identity {
  if (existsSync(file)) return readIdentityFile(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const identity = generateIdentity();
  writeIdentityFile(file, identity);
  return identity;
}
