// The audit log: an append-only record of who opened what on which device, and of registry changes.
import type { AuditEntry } from './types';

/** Audit persistence. */
export interface AuditRepo {
  append(entry: AuditEntry): Promise<void>;
  /** The newest entries first, at most `limit`; with `device`, only entries about that device. */
  recent(limit: number, device?: string): Promise<AuditEntry[]>;
}
