// SQLite implementation of deployments (rollout state and per-device progress), and the tables' migrations.
import type Database from 'better-sqlite3';
import type { OtaErrorCode } from '../../../protocol/otaErrors';
import type { Deployment, DeploymentSettings, DeploymentStatus } from '../../ota/deployment';
import type { DeviceDeployState, DeviceProgress } from '../../ota/deviceState';
import type { DeploymentsRepo } from '../deploymentsRepo';
import type { Migration } from './migrate';

/** Schema steps of the deployments tables (after artifacts-1: a deployment references its image). */
export const deploymentsMigrations: Migration[] = [
  {
    id: 'deployments-1',
    sql: `CREATE TABLE deployments (
      id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      image_sha256 TEXT NOT NULL REFERENCES artifacts (sha256),
      manifest TEXT NOT NULL,
      signature TEXT NOT NULL,
      settings TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'aborted', 'succeeded', 'failed')),
      status_reason TEXT,
      current_wave INTEGER NOT NULL,
      gate_override INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX deployments_status ON deployments (status);
    CREATE TABLE deployment_devices (
      deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
      device TEXT NOT NULL,
      wave INTEGER NOT NULL,
      position INTEGER NOT NULL,
      state TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      code TEXT,
      reason TEXT,
      attempts INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (deployment_id, device)
    );
    CREATE INDEX deployment_devices_device ON deployment_devices (device)`,
  },
];

interface DeploymentRow {
  id: string;
  created_at: string;
  created_by: string;
  manifest: string;
  signature: string;
  settings: string;
  status: DeploymentStatus;
  status_reason: string | null;
  current_wave: number;
  gate_override: number;
  updated_at: string;
}

interface DeviceRow {
  device: string;
  wave: number;
  state: DeviceDeployState;
  bytes: number;
  code: OtaErrorCode | null;
  reason: string | null;
  attempts: number;
  updated_at: string;
}

/** Deployments in a better-sqlite3 database. */
export class SqliteDeploymentsRepo implements DeploymentsRepo {
  constructor(private readonly db: Database.Database) {}

  async create(d: Deployment): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO deployments (id, created_at, created_by, image_sha256, manifest, signature, settings, status,
             status_reason, current_wave, gate_override, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          d.id,
          d.createdAt,
          d.createdBy,
          d.signed.manifest.imageSha256,
          JSON.stringify(d.signed.manifest),
          d.signed.signature,
          JSON.stringify(d.settings),
          d.status,
          d.statusReason,
          d.currentWave,
          d.gateOverride,
          d.updatedAt,
        );
      const insert = this.db.prepare(
        `INSERT INTO deployment_devices (deployment_id, device, wave, position, state, bytes, code, reason, attempts,
           updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      let position = 0;
      d.waves.forEach((wave, index) => {
        for (const name of wave) {
          const p = d.devices[name];
          insert.run(d.id, name, index, position++, p.state, p.bytes, p.code, p.reason, p.attempts, p.updatedAt);
        }
      });
    })();
  }

  async save(d: Deployment): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE deployments SET status = ?, status_reason = ?, current_wave = ?, gate_override = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(d.status, d.statusReason, d.currentWave, d.gateOverride, d.updatedAt, d.id);
      for (const [name, p] of Object.entries(d.devices)) this.writeDevice(d.id, name, p);
    })();
  }

  async saveDevice(id: string, device: string, progress: DeviceProgress, updatedAt: string): Promise<void> {
    this.db.transaction(() => {
      this.writeDevice(id, device, progress);
      this.db.prepare('UPDATE deployments SET updated_at = ? WHERE id = ?').run(updatedAt, id);
    })();
  }

  async get(id: string): Promise<Deployment | undefined> {
    const row = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRow | undefined;
    return row && this.hydrate(row);
  }

  async list(limit: number): Promise<Deployment[]> {
    const rows = this.db
      .prepare('SELECT * FROM deployments ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(limit) as DeploymentRow[];
    return rows.map((r) => this.hydrate(r));
  }

  async unfinished(): Promise<Deployment[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM deployments d WHERE status IN ('running', 'paused')
           OR (status = 'aborted' AND EXISTS (SELECT 1 FROM deployment_devices x WHERE x.deployment_id = d.id
             AND x.state NOT IN ('confirmed', 'failed', 'rolled_back', 'canceled')))
         ORDER BY created_at`,
      )
      .all() as DeploymentRow[];
    return rows.map((r) => this.hydrate(r));
  }

  private writeDevice(id: string, device: string, p: DeviceProgress): void {
    this.db
      .prepare(
        `UPDATE deployment_devices SET state = ?, bytes = ?, code = ?, reason = ?, attempts = ?, updated_at = ?
         WHERE deployment_id = ? AND device = ?`,
      )
      .run(p.state, p.bytes, p.code, p.reason, p.attempts, p.updatedAt, id, device);
  }

  private hydrate(row: DeploymentRow): Deployment {
    const rows = this.db
      .prepare('SELECT * FROM deployment_devices WHERE deployment_id = ? ORDER BY position')
      .all(row.id) as DeviceRow[];
    const waves: string[][] = [];
    const devices: Record<string, DeviceProgress> = {};
    for (const r of rows) {
      (waves[r.wave] ??= []).push(r.device);
      devices[r.device] = {
        state: r.state,
        bytes: r.bytes,
        code: r.code,
        reason: r.reason,
        attempts: r.attempts,
        updatedAt: r.updated_at,
      };
    }
    return {
      id: row.id,
      createdAt: row.created_at,
      createdBy: row.created_by,
      signed: { manifest: JSON.parse(row.manifest) as Deployment['signed']['manifest'], signature: row.signature },
      settings: JSON.parse(row.settings) as DeploymentSettings,
      status: row.status,
      statusReason: row.status_reason,
      currentWave: row.current_wave,
      gateOverride: row.gate_override,
      waves,
      devices,
      updatedAt: row.updated_at,
    };
  }
}
