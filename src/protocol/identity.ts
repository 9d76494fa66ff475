// Outpost identities: an ed25519 key pair, its key-file JSON, and public keys as base64url text. File IO is in src/common/identityFile.ts.
import { fromBase64url, toBase64url } from './base64url';
import { newSeed, publicKeyOf } from './ed25519';
import { isRecord } from './json';

/** The `type` field of a key file. */
export const KEY_FILE_TYPE = 'outpost-ed25519-key';

/** An ed25519 identity. `secretKey` is the 32-byte seed; never log it. */
export interface Identity {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  /** The public key as base64url (43 characters): how it is shown, typed and stored. */
  readonly publicKeyText: string;
}

/** An identity from a 32-byte seed. */
export function identityFromSeed(seed: Uint8Array): Identity {
  if (seed.length !== 32) throw new RangeError('an ed25519 seed is 32 bytes');
  const publicKey = publicKeyOf(seed);
  return { publicKey, secretKey: Uint8Array.from(seed), publicKeyText: toBase64url(publicKey) };
}

/** A new random identity. */
export function generateIdentity(): Identity {
  return identityFromSeed(newSeed());
}

/** The key-file JSON (with a trailing newline). */
export function serializeIdentity(identity: Identity): string {
  const file = { type: KEY_FILE_TYPE, publicKey: identity.publicKeyText, secretKey: toBase64url(identity.secretKey) };
  return JSON.stringify(file, null, 2) + '\n';
}

/** Parses key-file text; the error is one line saying what is wrong (never echoing key material). */
export function parseIdentity(text: string): { ok: true; identity: Identity } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(json) || json.type !== KEY_FILE_TYPE) return { ok: false, reason: `not an ${KEY_FILE_TYPE} file` };
  const seed = fromBase64url(json.secretKey, 32);
  if (!seed) return { ok: false, reason: 'secretKey is not a base64url 32-byte seed' };
  const identity = identityFromSeed(seed);
  if (json.publicKey !== identity.publicKeyText) return { ok: false, reason: 'publicKey does not match secretKey' };
  return { ok: true, identity };
}

/** Parses a public key given as base64url text (43 characters); undefined when it is not one. */
export function parsePublicKey(text: unknown): Uint8Array | undefined {
  return fromBase64url(typeof text === 'string' ? text.trim() : text, 32);
}
