// Per-channel, per-direction flow-control credit in bytes of DATA payload. Pure counters; the link decides when to send.
import { CloseCode } from './closeCodes';
import { err, ok, type Result } from './result';

/** Credit each side starts with, per channel and direction. */
export const INITIAL_WINDOW = 256 * 1024;
const MAX_CREDIT = 0xffffffff;

/**
 * The sender's view: bytes it may still send. Also what a relay keeps per forwarded direction to drop a peer
 * that sends beyond its credit.
 */
export class SendCredit {
  private credit: number;

  constructor(initial = INITIAL_WINDOW) {
    this.credit = initial;
  }

  /** Bytes that may be sent now. */
  get available(): number {
    return this.credit;
  }

  /** Takes up to `max` bytes of credit for the next chunk; returns how many were taken (0 = wait for CREDIT). */
  take(max: number): number {
    const n = Math.max(0, Math.min(max, this.credit));
    this.credit -= n;
    return n;
  }

  /** Accounts a DATA payload of `bytes` already sent by the peer; CREDIT_EXCEEDED when it had no such credit. */
  spend(bytes: number): Result<void> {
    if (bytes > this.credit) return err(CloseCode.CREDIT_EXCEEDED, `sent ${bytes} bytes with ${this.credit} of credit`);
    this.credit -= bytes;
    return ok(undefined);
  }

  /** Adds credit from a CREDIT frame; a grant that would overflow u32 is a PROTOCOL_ERROR. */
  grant(bytes: number): Result<void> {
    if (!Number.isInteger(bytes) || bytes < 0 || this.credit + bytes > MAX_CREDIT)
      return err(CloseCode.PROTOCOL_ERROR, `credit grant of ${bytes} overflows`);
    this.credit += bytes;
    return ok(undefined);
  }
}

/**
 * The receiver's view: how much the peer may still send, and how much consumed data is not yet granted back.
 * Grants are batched (a quarter window at a time) so small RSP packets do not each cost a CREDIT frame.
 */
export class ReceiveWindow {
  private outstanding: number;
  private ungranted = 0;

  constructor(
    private readonly window = INITIAL_WINDOW,
    private readonly batch = Math.max(1, Math.floor(window / 4)),
  ) {
    this.outstanding = window;
  }

  /** Bytes the peer may still send before it must wait for a grant. */
  get remaining(): number {
    return this.outstanding;
  }

  /** Accounts an arriving DATA payload; CREDIT_EXCEEDED when the peer sent beyond its credit. */
  receive(bytes: number): Result<void> {
    if (bytes > this.outstanding)
      return err(CloseCode.CREDIT_EXCEEDED, `peer sent ${bytes} bytes with ${this.outstanding} of credit`);
    this.outstanding -= bytes;
    return ok(undefined);
  }

  /** The consumer read `bytes`; returns the credit to grant now in a CREDIT frame, or 0 to wait and batch. */
  consumed(bytes: number): number {
    this.ungranted += bytes;
    if (this.ungranted < this.batch) return 0;
    const grant = this.ungranted;
    this.ungranted = 0;
    this.outstanding += grant;
    return grant;
  }
}
