// SQLite implementation of device key rotations, and the device_key_rotations table's migration.
import type Database from 'better-sqlite3';
import type { KeyRotation } from '../../../common/keyRotation';
import type { KeyRotationsRepo } from '../keyRotationsRepo';
import type { DeviceRecord } from '../types';
import { deviceFromRow, type DeviceRow } from './devicesRepo';
import { assertKeyFree } from './keys';
import type { Migration } from './migrate';
import { stmt } from './statements';

/** Schema steps of the rotation records: a table of its own, so databases from before it keep working unchanged. */
export const keyRotationsMigrations: Migration[] = [
  {
    id: 'key-rotations-1',
    sql: `CREATE TABLE device_key_rotations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      device TEXT NOT NULL REFERENCES devices(name) ON DELETE CASCADE,
      relay TEXT NOT NULL,
      old_key TEXT NOT NULL,
      new_key TEXT NOT NULL,
      old_signature TEXT NOT NULL,
      new_signature TEXT NOT NULL,
      rotated_at TEXT NOT NULL
    );
    CREATE INDEX device_key_rotations_device ON device_key_rotations (device, id)`,
  },
];

interface RotationRow {
  device: string;
  relay: string;
  old_key: string;
  new_key: string;
  old_signature: string;
  new_signature: string;
  rotated_at: string;
}

function fromRow(row: RotationRow): KeyRotation {
  return {
    relay: row.relay,
    device: row.device,
    oldKey: row.old_key,
    newKey: row.new_key,
    oldSignature: row.old_signature,
    newSignature: row.new_signature,
    rotatedAt: row.rotated_at,
  };
}

/** Key rotations in a better-sqlite3 database. */
export class SqliteKeyRotationsRepo implements KeyRotationsRepo {
  constructor(private readonly db: Database.Database) {}

  async rotate(r: KeyRotation): Promise<DeviceRecord | undefined> {
    return this.db.transaction(() => {
      assertKeyFree(this.db, r.newKey);
      const swapped = stmt(this.db, 'UPDATE devices SET public_key = ? WHERE name = ? AND public_key = ?').run(
        r.newKey,
        r.device,
        r.oldKey,
      );
      if (swapped.changes === 0) return undefined;
      stmt(
        this.db,
        `INSERT INTO device_key_rotations (device, relay, old_key, new_key, old_signature, new_signature, rotated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.device, r.relay, r.oldKey, r.newKey, r.oldSignature, r.newSignature, r.rotatedAt);
      return deviceFromRow(stmt(this.db, 'SELECT * FROM devices WHERE name = ?').get(r.device) as DeviceRow);
    })();
  }

  async list(device: string, limit: number): Promise<KeyRotation[]> {
    const rows = stmt(this.db, 'SELECT * FROM device_key_rotations WHERE device = ? ORDER BY id DESC LIMIT ?').all(
      device,
      limit,
    ) as RotationRow[];
    return rows.reverse().map(fromRow);
  }
}
