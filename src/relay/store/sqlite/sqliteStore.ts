// The embedded default store: one SQLite file (better-sqlite3, WAL) in the relay's data directory.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../store';
import { auditMigrations, SqliteAuditRepo } from './auditRepo';
import { devicesMigrations, SqliteDevicesRepo } from './devicesRepo';
import { keyRotationsMigrations, SqliteKeyRotationsRepo } from './keyRotationsRepo';
import { migrate, type Migration } from './migrate';
import { operatorsMigrations, SqliteOperatorsRepo } from './operatorsRepo';
import { SqliteTokensRepo, tokensMigrations } from './tokensRepo';

/** Every migration of the relay database, in the order they apply; a new concern appends its list here. */
export const allMigrations: readonly Migration[] = [
  ...devicesMigrations,
  ...operatorsMigrations,
  ...tokensMigrations,
  ...auditMigrations,
  ...keyRotationsMigrations,
];

/** The file name of the database inside the data directory. */
export const databaseFileName = 'relay.db';

/** A Store backed by `DATA/relay.db`; `db` is exposed so other concerns can build their repositories on it. */
export class SqliteStore implements Store {
  readonly devices: SqliteDevicesRepo;
  readonly keyRotations: SqliteKeyRotationsRepo;
  readonly operators: SqliteOperatorsRepo;
  readonly tokens: SqliteTokensRepo;
  readonly audit: SqliteAuditRepo;

  private constructor(readonly db: Database.Database) {
    this.devices = new SqliteDevicesRepo(db);
    this.keyRotations = new SqliteKeyRotationsRepo(db);
    this.operators = new SqliteOperatorsRepo(db);
    this.tokens = new SqliteTokensRepo(db);
    this.audit = new SqliteAuditRepo(db);
  }

  /** Opens (creating if needed) the database in `dataDir` and brings its schema up to date. */
  static open(dataDir: string): SqliteStore {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(path.join(dataDir, databaseFileName));
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, allMigrations);
    return new SqliteStore(db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
