// The relay's persistence boundary: one interface per concern, so SQLite can be swapped for PostgreSQL.
import type { AuditRepo } from './auditRepo';
import type { DevicesRepo } from './devicesRepo';
import type { KeyRotationsRepo } from './keyRotationsRepo';
import type { OperatorsRepo } from './operatorsRepo';
import type { TokensRepo } from './tokensRepo';

/** Everything the relay persists. Methods are async so a networked database can implement them. */
export interface Store {
  readonly devices: DevicesRepo;
  readonly keyRotations: KeyRotationsRepo;
  readonly operators: OperatorsRepo;
  readonly tokens: TokensRepo;
  readonly audit: AuditRepo;
  /** Flushes and releases the database; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** A name or public key is already registered (to a device or an operator). */
export class StoreConflictError extends Error {
  constructor(
    readonly field: 'name' | 'publicKey',
    message: string,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}
