// The relay's SQLite store as a check after a fault: file integrity and where every deployment stands.
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEPLOY_DEVICE_STATES, TERMINAL_STATES } from '../../../src/protocol/deployState';
import { databaseFileName } from '../../../src/relay/store/sqlite/sqliteStore';

/** One device of one deployment, as stored. */
export interface StoredProgress {
  deployment: string;
  status: string;
  device: string;
  state: string;
  bytes: number;
}

/** What the store holds after a run. */
export interface StoreReport {
  /** `PRAGMA integrity_check`: 'ok' for a sound file. */
  integrity: string;
  /** `PRAGMA foreign_key_check` rows (none in a consistent store). */
  danglingReferences: number;
  progress: StoredProgress[];
}

const FINAL_DEVICE = new Set<string>(TERMINAL_STATES);
const KNOWN_DEVICE = new Set<string>(DEPLOY_DEVICE_STATES);
const FINAL_STATUS = new Set(['succeeded', 'failed', 'aborted']);

/** Reads the store of a stopped relay (read-only). */
export function readRelayStore(dataDir: string): StoreReport {
  const db = new Database(path.join(dataDir, databaseFileName), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
    const danglingReferences = (db.pragma('foreign_key_check') as unknown[]).length;
    const progress = db
      .prepare(
        `SELECT d.id AS deployment, d.status AS status, p.device AS device, p.state AS state, p.bytes AS bytes
         FROM deployments d JOIN deployment_devices p ON p.deployment_id = d.id ORDER BY d.created_at`,
      )
      .all() as StoredProgress[];
    return { integrity, danglingReferences, progress };
  } finally {
    db.close();
  }
}

/**
 * What is wrong with the stored deployments, one line each (empty when all is well): a deployment must be final
 * with every device final, or still running with each device final or in a state the relay resumes from.
 */
export function deploymentProblems(report: StoreReport): string[] {
  return report.progress.flatMap((p) => {
    const where = `deployment ${p.deployment} (${p.status}), device ${p.device}: ${p.state}`;
    if (FINAL_STATUS.has(p.status))
      return FINAL_DEVICE.has(p.state) ? [] : [`${where}, not final in a final deployment`];
    if (p.status !== 'running' && p.status !== 'paused') return [`${where}: unknown status`];
    // A running deployment picks every non-final device up again when it is online (the runner's resume).
    return KNOWN_DEVICE.has(p.state) ? [] : [`${where}: not a state the relay knows`];
  });
}
