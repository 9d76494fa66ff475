// SQLite implementation of the device registry, and the devices table's migrations.
import type Database from 'better-sqlite3';
import type { DevicesRepo, NewDevice } from '../devicesRepo';
import { StoreConflictError } from '../store';
import type { DeviceRecord, Telemetry } from '../types';
import { assertKeyFree } from './keys';
import type { Migration } from './migrate';
import { stmt } from './statements';

/** Schema steps of the devices table. */
export const devicesMigrations: Migration[] = [
  {
    id: 'devices-1',
    sql: `CREATE TABLE devices (
      name TEXT PRIMARY KEY,
      public_key TEXT NOT NULL UNIQUE,
      tags TEXT NOT NULL DEFAULT '{}',
      firmware_version TEXT, build_id TEXT, board TEXT, rssi REAL, uptime REAL,
      last_seen TEXT,
      created_at TEXT NOT NULL
    )`,
  },
];

/** A row of the devices table. */
export interface DeviceRow {
  name: string;
  public_key: string;
  tags: string;
  firmware_version: string | null;
  build_id: string | null;
  board: string | null;
  rssi: number | null;
  uptime: number | null;
  last_seen: string | null;
  created_at: string;
}

/** Maps a devices row to a record. */
export function deviceFromRow(row: DeviceRow): DeviceRecord {
  return {
    name: row.name,
    publicKey: row.public_key,
    tags: JSON.parse(row.tags) as Record<string, string>,
    firmwareVersion: row.firmware_version,
    buildId: row.build_id,
    board: row.board,
    rssi: row.rssi,
    uptime: row.uptime,
    lastSeen: row.last_seen,
    createdAt: row.created_at,
  };
}

/** Inserts a device inside the caller's transaction (also used by token redemption). */
export function insertDevice(db: Database.Database, device: NewDevice, now: Date): DeviceRecord {
  if (stmt(db, 'SELECT 1 FROM devices WHERE name = ?').get(device.name)) {
    throw new StoreConflictError('name', `a device named "${device.name}" already exists`);
  }
  assertKeyFree(db, device.publicKey);
  stmt(db, 'INSERT INTO devices (name, public_key, tags, created_at) VALUES (?, ?, ?, ?)').run(
    device.name,
    device.publicKey,
    JSON.stringify(device.tags),
    now.toISOString(),
  );
  return deviceFromRow(stmt(db, 'SELECT * FROM devices WHERE name = ?').get(device.name) as DeviceRow);
}

const telemetryColumns: Record<keyof Telemetry, string> = {
  firmwareVersion: 'firmware_version',
  buildId: 'build_id',
  board: 'board',
  rssi: 'rssi',
  uptime: 'uptime',
};

/** Devices in a better-sqlite3 database. */
export class SqliteDevicesRepo implements DevicesRepo {
  constructor(private readonly db: Database.Database) {}

  async add(device: NewDevice, now: Date): Promise<DeviceRecord> {
    return this.db.transaction(() => insertDevice(this.db, device, now))();
  }

  async remove(name: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM devices WHERE name = ?').run(name).changes > 0;
  }

  async byName(name: string): Promise<DeviceRecord | undefined> {
    const row = stmt(this.db, 'SELECT * FROM devices WHERE name = ?').get(name) as DeviceRow | undefined;
    return row && deviceFromRow(row);
  }

  async byPublicKey(publicKey: string): Promise<DeviceRecord | undefined> {
    const row = stmt(this.db, 'SELECT * FROM devices WHERE public_key = ?').get(publicKey) as DeviceRow | undefined;
    return row && deviceFromRow(row);
  }

  async list(): Promise<DeviceRecord[]> {
    return (stmt(this.db, 'SELECT * FROM devices ORDER BY name').all() as DeviceRow[]).map(deviceFromRow);
  }

  async updateTelemetry(name: string, telemetry: Partial<Telemetry>, now: Date): Promise<boolean> {
    const sets = ['last_seen = @lastSeen'];
    const params: Record<string, unknown> = { name, lastSeen: now.toISOString() };
    for (const [field, column] of Object.entries(telemetryColumns) as [keyof Telemetry, string][]) {
      if (telemetry[field] === undefined) continue;
      sets.push(`${column} = @${field}`);
      params[field] = telemetry[field];
    }
    return stmt(this.db, `UPDATE devices SET ${sets.join(', ')} WHERE name = @name`).run(params).changes > 0;
  }

  async touch(name: string, now: Date): Promise<void> {
    stmt(this.db, 'UPDATE devices SET last_seen = ? WHERE name = ?').run(now.toISOString(), name);
  }
}
