// The relay's first admin: on first start an identity is written to DATA/admin.key and registered with role admin.
import fs from 'node:fs';
import path from 'node:path';
import { readIdentityFile, writeIdentityFile } from '../common/identityFile';
import { generateIdentity, type Identity } from '../protocol/identity';
import type { Store } from './store/store';

/** The file name of the admin identity in the data directory. */
export const adminKeyFileName = 'admin.key';

/** Where the admin identity is, and whether this start created it. */
export interface AdminIdentity {
  keyFile: string;
  created: boolean;
}

/**
 * Makes sure someone can administer the relay. With no admin registered, the key in DATA/admin.key (created
 * if missing) becomes operator "admin". Once an admin exists nothing changes, even if the file was deleted.
 */
export async function ensureAdmin(store: Store, dataDir: string, now: Date): Promise<AdminIdentity> {
  const keyFile = path.join(dataDir, adminKeyFileName);
  const admins = (await store.operators.list()).filter((o) => o.role === 'admin');
  if (admins.length > 0) return { keyFile, created: false };
  let identity: Identity;
  let created = false;
  if (fs.existsSync(keyFile)) identity = readIdentityFile(keyFile);
  else {
    identity = generateIdentity();
    writeIdentityFile(keyFile, identity);
    created = true;
  }
  const taken = new Set((await store.operators.list()).map((o) => o.name));
  let name = 'admin';
  for (let i = 2; taken.has(name); i++) name = `admin-${i}`;
  await store.operators.add({ name, publicKey: identity.publicKeyText, role: 'admin' }, now);
  return { keyFile, created };
}
