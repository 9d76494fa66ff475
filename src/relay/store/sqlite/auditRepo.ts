// SQLite implementation of the append-only audit log, and the table's migrations.
import type Database from 'better-sqlite3';
import type { AuditRepo } from '../auditRepo';
import type { AuditEntry } from '../types';
import type { Migration } from './migrate';
import { stmt } from './statements';

/** Schema steps of the audit log table. */
export const auditMigrations: Migration[] = [
  {
    id: 'audit-1',
    sql: `CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      device TEXT,
      channel_kind TEXT,
      result TEXT NOT NULL
    );
    CREATE INDEX audit_log_time ON audit_log (time)`,
  },
  {
    // audit.list for one device reads its newest entries without scanning the whole log.
    id: 'audit-2',
    sql: `CREATE INDEX audit_log_device ON audit_log (device, id)`,
  },
];

interface AuditRow {
  time: string;
  actor: string;
  action: string;
  device: string | null;
  channel_kind: string | null;
  result: string;
}

/** The audit log in a better-sqlite3 database. */
export class SqliteAuditRepo implements AuditRepo {
  constructor(private readonly db: Database.Database) {}

  async append(entry: AuditEntry): Promise<void> {
    stmt(
      this.db,
      'INSERT INTO audit_log (time, actor, action, device, channel_kind, result) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(entry.time, entry.actor, entry.action, entry.device, entry.channelKind, entry.result);
  }

  async recent(limit: number, device?: string): Promise<AuditEntry[]> {
    const rows = (
      device === undefined
        ? stmt(this.db, 'SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit)
        : stmt(this.db, 'SELECT * FROM audit_log WHERE device = ? ORDER BY id DESC LIMIT ?').all(device, limit)
    ) as AuditRow[];
    return rows.map((r) => ({
      time: r.time,
      actor: r.actor,
      action: r.action,
      device: r.device,
      channelKind: r.channel_kind,
      result: r.result,
    }));
  }
}
