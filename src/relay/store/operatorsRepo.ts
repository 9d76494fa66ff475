// Operators (people and CI jobs) and their roles, as the relay core sees them.
import type { OperatorRecord, Role } from './types';

/** A new operator as an admin registers it. */
export interface NewOperator {
  name: string;
  publicKey: string;
  role: Role;
}

/** Operator persistence; names are unique among operators, public keys across operators and devices. */
export interface OperatorsRepo {
  /** Registers an operator; throws StoreConflictError when the name or key is taken. */
  add(operator: NewOperator, now: Date): Promise<OperatorRecord>;
  /** Gives an operator another role; resolves with the changed record, undefined when there is none. */
  setRole(name: string, role: Role): Promise<OperatorRecord | undefined>;
  /** Removes an operator; resolves false when there was none with that name. */
  remove(name: string): Promise<boolean>;
  byName(name: string): Promise<OperatorRecord | undefined>;
  byPublicKey(publicKey: string): Promise<OperatorRecord | undefined>;
  /** All operators, ordered by name. */
  list(): Promise<OperatorRecord[]>;
}
