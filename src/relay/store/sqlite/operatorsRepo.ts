// SQLite implementation of the operator registry, and the operators table's migrations.
import type Database from 'better-sqlite3';
import type { NewOperator, OperatorsRepo } from '../operatorsRepo';
import { StoreConflictError } from '../store';
import type { OperatorRecord, Role } from '../types';
import { assertKeyFree } from './keys';
import type { Migration } from './migrate';
import { stmt } from './statements';

/** Schema steps of the operators table. */
export const operatorsMigrations: Migration[] = [
  {
    id: 'operators-1',
    sql: `CREATE TABLE operators (
      name TEXT PRIMARY KEY,
      public_key TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('admin', 'deployer', 'debugger', 'viewer')),
      created_at TEXT NOT NULL
    )`,
  },
];

interface OperatorRow {
  name: string;
  public_key: string;
  role: Role;
  created_at: string;
}

function fromRow(row: OperatorRow): OperatorRecord {
  return { name: row.name, publicKey: row.public_key, role: row.role, createdAt: row.created_at };
}

/** Operators in a better-sqlite3 database. */
export class SqliteOperatorsRepo implements OperatorsRepo {
  constructor(private readonly db: Database.Database) {}

  async add(operator: NewOperator, now: Date): Promise<OperatorRecord> {
    return this.db.transaction(() => {
      if (stmt(this.db, 'SELECT 1 FROM operators WHERE name = ?').get(operator.name)) {
        throw new StoreConflictError('name', `an operator named "${operator.name}" already exists`);
      }
      assertKeyFree(this.db, operator.publicKey);
      stmt(this.db, 'INSERT INTO operators (name, public_key, role, created_at) VALUES (?, ?, ?, ?)').run(
        operator.name,
        operator.publicKey,
        operator.role,
        now.toISOString(),
      );
      return fromRow(stmt(this.db, 'SELECT * FROM operators WHERE name = ?').get(operator.name) as OperatorRow);
    })();
  }

  async setRole(name: string, role: Role): Promise<OperatorRecord | undefined> {
    stmt(this.db, 'UPDATE operators SET role = ? WHERE name = ?').run(role, name);
    return this.byName(name);
  }

  async remove(name: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM operators WHERE name = ?').run(name).changes > 0;
  }

  async byName(name: string): Promise<OperatorRecord | undefined> {
    const row = stmt(this.db, 'SELECT * FROM operators WHERE name = ?').get(name) as OperatorRow | undefined;
    return row && fromRow(row);
  }

  async byPublicKey(publicKey: string): Promise<OperatorRecord | undefined> {
    const row = stmt(this.db, 'SELECT * FROM operators WHERE public_key = ?').get(publicKey) as OperatorRow | undefined;
    return row && fromRow(row);
  }

  async list(): Promise<OperatorRecord[]> {
    return (stmt(this.db, 'SELECT * FROM operators ORDER BY name').all() as OperatorRow[]).map(fromRow);
  }
}
