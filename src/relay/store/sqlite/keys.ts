// Uniqueness rules that span tables: a public key belongs to one identity, device or operator.
import type Database from 'better-sqlite3';
import { StoreConflictError } from '../store';
import { stmt } from './statements';

/** Throws StoreConflictError when `publicKey` is already registered to any device or operator. */
export function assertKeyFree(db: Database.Database, publicKey: string): void {
  const row = stmt(
    db,
    `SELECT 'device' AS kind, name FROM devices WHERE public_key = ?
       UNION ALL SELECT 'operator' AS kind, name FROM operators WHERE public_key = ?`,
  ).get(publicKey, publicKey) as { kind: string; name: string } | undefined;
  if (row)
    throw new StoreConflictError('publicKey', `that public key is already registered to ${row.kind} "${row.name}"`);
}
