// The contract of a control-method handler and the error it throws to answer a request with a code.
import type { ChannelKind } from '../../protocol/channels';
import type { CloseCode } from '../../protocol/closeCodes';
import type { RequestErrorCode, Role } from '../../protocol/control';
import type { Logger } from '../../common/log';
import type { Fleet } from '../fleet';
import type { Hub } from '../hub';
import type { Peer } from '../peer';
import type { Store } from '../store/store';
import type { AuditEntry } from '../store/types';

/** What handlers may use of the relay. */
export interface RelayContext {
  readonly store: Store;
  readonly hub: Hub;
  readonly fleet: Fleet;
  readonly log: Logger;
  now(): Date;
  /** Closes a connection with `code` and tears down its channels at once (e.g. REVOKED). */
  disconnect(peer: Peer, code: CloseCode): void;
  /** Closes the channels of `peer` whose kind `which` selects, on both ends; returns how many were closed. */
  closeChannels(peer: Peer, which: (kind: ChannelKind) => boolean, code: CloseCode, reason: string): number;
  /** Appends to the audit log (time filled in); failures are logged, never thrown at the caller. */
  audit(entry: Omit<AuditEntry, 'time'>): void;
}

/** One control method. Contract methods are authorised by the protocol's role table; others list `roles`. */
export interface ControlHandler {
  readonly method: string;
  readonly roles?: readonly Role[];
  handle(ctx: RelayContext, peer: Peer, params: Record<string, unknown>): Promise<unknown>;
}

/** Answers the request with `{error: {code, message}}`; the message is one line for the person at the CLI. */
export class ControlError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
