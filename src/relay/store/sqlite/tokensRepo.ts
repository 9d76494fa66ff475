// SQLite implementation of enrollment tokens (hashes only), with atomic redemption, and the table's migrations.
import type Database from 'better-sqlite3';
import { StoreConflictError } from '../store';
import type { NewEnrollToken, RedeemResult, TokensRepo } from '../tokensRepo';
import type { EnrollTokenRecord } from '../types';
import { insertDevice } from './devicesRepo';
import type { Migration } from './migrate';
import { stmt } from './statements';

/** Schema steps of the enrollment tokens table. */
export const tokensMigrations: Migration[] = [
  {
    id: 'enroll-tokens-1',
    sql: `CREATE TABLE enroll_tokens (
      token_hash TEXT PRIMARY KEY,
      uses_left INTEGER NOT NULL,
      expires_at TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '{}',
      created_at TEXT NOT NULL
    )`,
  },
];

interface TokenRow {
  token_hash: string;
  uses_left: number;
  expires_at: string;
  tags: string;
  created_at: string;
}

function fromRow(row: TokenRow): EnrollTokenRecord {
  return {
    tokenHash: row.token_hash,
    usesLeft: row.uses_left,
    expiresAt: row.expires_at,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: row.created_at,
  };
}

/** Enrollment tokens in a better-sqlite3 database. */
export class SqliteTokensRepo implements TokensRepo {
  constructor(private readonly db: Database.Database) {}

  async create(token: NewEnrollToken, now: Date): Promise<EnrollTokenRecord> {
    stmt(
      this.db,
      'INSERT INTO enroll_tokens (token_hash, uses_left, expires_at, tags, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(token.tokenHash, token.uses, token.expiresAt.toISOString(), JSON.stringify(token.tags), now.toISOString());
    return fromRow(this.row(token.tokenHash) as TokenRow);
  }

  async byHash(tokenHash: string): Promise<EnrollTokenRecord | undefined> {
    const row = this.row(tokenHash);
    return row && fromRow(row);
  }

  async redeem(tokenHash: string, device: { name: string; publicKey: string }, now: Date): Promise<RedeemResult> {
    // One transaction: two devices racing for the last use cannot both get it, and a refused name keeps the use.
    return this.db.transaction((): RedeemResult => {
      const row = this.row(tokenHash);
      if (!row || row.uses_left <= 0 || Date.parse(row.expires_at) <= now.getTime()) {
        return { ok: false, reason: 'ENROLL_TOKEN_INVALID' };
      }
      let registered;
      try {
        registered = insertDevice(this.db, { ...device, tags: JSON.parse(row.tags) as Record<string, string> }, now);
      } catch (err) {
        if (err instanceof StoreConflictError) return { ok: false, reason: 'NAME_TAKEN' };
        throw err;
      }
      stmt(this.db, 'UPDATE enroll_tokens SET uses_left = uses_left - 1 WHERE token_hash = ?').run(tokenHash);
      return { ok: true, device: registered };
    })();
  }

  async prune(now: Date): Promise<number> {
    return stmt(this.db, 'DELETE FROM enroll_tokens WHERE uses_left <= 0 OR expires_at <= ?').run(now.toISOString())
      .changes;
  }

  private row(tokenHash: string): TokenRow | undefined {
    return stmt(this.db, 'SELECT * FROM enroll_tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined;
  }
}
