// Enrollment tokens: single-purpose secrets a new device presents once to register its own key.
import type { DeviceRecord, EnrollTokenRecord, Tags } from './types';

/** A token about to be stored; the caller hashes the token text, the store never sees it. */
export interface NewEnrollToken {
  tokenHash: string;
  uses: number;
  expiresAt: Date;
  tags: Tags;
}

/** How redeeming a token ended: the device it registered, or why nothing was registered. */
export type RedeemResult =
  { ok: true; device: DeviceRecord } | { ok: false; reason: 'ENROLL_TOKEN_INVALID' | 'NAME_TAKEN' };

/** Enrollment token persistence. */
export interface TokensRepo {
  create(token: NewEnrollToken, now: Date): Promise<EnrollTokenRecord>;
  byHash(tokenHash: string): Promise<EnrollTokenRecord | undefined>;
  /**
   * Atomically checks the token (known, not expired, uses left), registers the device with the token's tags
   * and takes one use. Nothing changes unless all of it succeeds.
   */
  redeem(tokenHash: string, device: { name: string; publicKey: string }, now: Date): Promise<RedeemResult>;
  /** Deletes expired and used-up tokens; resolves how many went. */
  prune(now: Date): Promise<number>;
}
