// Schema migrations for the SQLite store: named steps applied once each, recorded in a version table.
import type Database from 'better-sqlite3';

/** One schema step. Ids are never renamed or reused; new concerns add their own (e.g. `deployments-1`). */
export interface Migration {
  id: string;
  sql: string;
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in list order, each in its own
 * transaction, and returns the ids it applied. Named ids (not one counter) let each concern add steps
 * without renumbering anyone else's.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: Date = new Date()): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((row) => row.id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, now.toISOString());
    })();
    done.push(m.id);
  }
  return done;
}
