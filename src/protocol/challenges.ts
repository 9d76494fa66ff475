// The relay's book of issued challenges: single use, 30 s TTL, bounded. Pure state, the caller passes the clock.
import { randomBytes } from 'node:crypto';
import { toBase64url } from './base64url';
import { CHALLENGE_BYTES } from './auth';
import { CloseCode } from './closeCodes';
import { err, ok, type Result } from './result';

/** Seconds a challenge stays valid (the `expiresIn` of GET /v1/challenge). */
export const CHALLENGE_TTL_SECONDS = 30;

/**
 * Issued challenges, keyed by their base64url text. When full, the oldest is dropped (its holder gets
 * CHALLENGE_INVALID and retries), so a flood of GET /v1/challenge costs bounded memory.
 */
export class ChallengeBook {
  // Map iteration order is insertion order, so the first entry is always the oldest.
  private readonly issued = new Map<string, number>();

  constructor(
    private readonly capacity = 100_000,
    private readonly ttlMs = CHALLENGE_TTL_SECONDS * 1000,
  ) {}

  /** Issues a fresh challenge; returns the JSON body of GET /v1/challenge. */
  issue(nowMs: number): { challenge: string; expiresIn: number } {
    this.sweep(nowMs);
    if (this.issued.size >= this.capacity) this.issued.delete(this.issued.keys().next().value as string);
    const challenge = toBase64url(randomBytes(CHALLENGE_BYTES));
    this.issued.set(challenge, nowMs + this.ttlMs);
    return { challenge, expiresIn: Math.round(this.ttlMs / 1000) };
  }

  /** Uses up a challenge: ok once, CHALLENGE_INVALID if unknown, expired or already used. */
  consume(challengeText: string, nowMs: number): Result<void> {
    const expires = this.issued.get(challengeText);
    this.issued.delete(challengeText);
    if (expires === undefined) return err(CloseCode.CHALLENGE_INVALID, 'challenge unknown or already used');
    if (nowMs > expires) return err(CloseCode.CHALLENGE_INVALID, 'challenge expired');
    return ok(undefined);
  }

  /** Number of outstanding challenges (for /metrics). */
  get size(): number {
    return this.issued.size;
  }

  private sweep(nowMs: number): void {
    for (const [challenge, expires] of this.issued) {
      if (expires >= nowMs) break;
      this.issued.delete(challenge);
    }
  }
}
