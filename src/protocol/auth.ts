// Peer authentication at the WebSocket upgrade: the challenge-signing bytes, signing, the request headers and their verification.
import { fromBase64url, toBase64url } from './base64url';
import { CloseCode } from './closeCodes';
import { sign, verify } from './ed25519';
import { PROTOCOL_VERSION } from './frame';
import type { Identity } from './identity';
import { isName, isText } from './json';
import { err, ok, type Result } from './result';

/** Length of a relay challenge in bytes. */
export const CHALLENGE_BYTES = 32;
const context = Buffer.from('outpost-auth-v1\0', 'utf8');

/** Header names of the signed upgrade (lower case, as Node presents them). */
export const AuthHeader = {
  key: 'x-outpost-key',
  challenge: 'x-outpost-challenge',
  signature: 'x-outpost-signature',
  enroll: 'x-outpost-enroll',
  name: 'x-outpost-name',
  protocol: 'x-outpost-protocol',
  close: 'x-outpost-close',
} as const;

/** The signed bytes: "outpost-auth-v1\0" || challenge(32) || publicKey(32) || relayHost (UTF-8 Host header value). */
export function authMessage(challenge: Uint8Array, publicKey: Uint8Array, relayHost: string): Buffer {
  return Buffer.concat([context, challenge, publicKey, Buffer.from(relayHost, 'utf8')]);
}

/** Signs a relay challenge for the relay reached as `relayHost` (the Host header the client sends). */
export function signChallenge(identity: Identity, challenge: Uint8Array, relayHost: string): Uint8Array {
  return sign(authMessage(challenge, identity.publicKey, relayHost), identity.secretKey);
}

/** What a device sends to register its own key with an enrollment token. */
export interface Enrollment {
  token: string;
  name?: string;
}

/** The upgrade request headers for a signed connect (client side). */
export function authHeaders(
  identity: Identity,
  challengeText: string,
  relayHost: string,
  enroll?: Enrollment,
): Record<string, string> {
  const challenge = fromBase64url(challengeText, CHALLENGE_BYTES);
  if (!challenge) throw new RangeError('relay sent a malformed challenge');
  const headers: Record<string, string> = {
    [AuthHeader.key]: identity.publicKeyText,
    [AuthHeader.challenge]: challengeText,
    [AuthHeader.signature]: toBase64url(signChallenge(identity, challenge, relayHost)),
    [AuthHeader.protocol]: String(PROTOCOL_VERSION),
  };
  if (enroll) {
    headers[AuthHeader.enroll] = enroll.token;
    if (enroll.name) headers[AuthHeader.name] = enroll.name;
  }
  return headers;
}

/** A parsed, not yet verified, upgrade request. */
export interface AuthRequest {
  publicKey: Uint8Array;
  publicKeyText: string;
  challenge: Uint8Array;
  challengeText: string;
  signature: Uint8Array;
  enroll?: Enrollment;
}

type Headers = Record<string, string | string[] | undefined>;
const one = (headers: Headers, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
};

/**
 * Parses the upgrade headers (relay side) into an AuthRequest, or the close code to refuse with:
 * UNSUPPORTED_VERSION, AUTH_REQUIRED (no or malformed key), CHALLENGE_INVALID, BAD_SIGNATURE (malformed),
 * ENROLL_TOKEN_INVALID / PROTOCOL_ERROR (malformed enrollment). The challenge itself is checked by ChallengeBook.
 */
export function parseAuthHeaders(headers: Headers): Result<AuthRequest> {
  const version = one(headers, AuthHeader.protocol);
  if (version !== String(PROTOCOL_VERSION))
    return err(CloseCode.UNSUPPORTED_VERSION, `protocol ${version ?? 'missing'}, relay speaks ${PROTOCOL_VERSION}`);
  const publicKeyText = one(headers, AuthHeader.key);
  const challengeText = one(headers, AuthHeader.challenge);
  const signatureText = one(headers, AuthHeader.signature);
  if (!publicKeyText || !challengeText || !signatureText) return err(CloseCode.AUTH_REQUIRED, 'missing auth headers');
  const publicKey = fromBase64url(publicKeyText, 32);
  if (!publicKey) return err(CloseCode.AUTH_REQUIRED, 'x-outpost-key is not a base64url ed25519 key');
  const challenge = fromBase64url(challengeText, CHALLENGE_BYTES);
  if (!challenge) return err(CloseCode.CHALLENGE_INVALID, 'x-outpost-challenge is malformed');
  const signature = fromBase64url(signatureText, 64);
  if (!signature) return err(CloseCode.BAD_SIGNATURE, 'x-outpost-signature is malformed');
  const request: AuthRequest = { publicKey, publicKeyText, challenge, challengeText, signature };
  const token = one(headers, AuthHeader.enroll);
  const name = one(headers, AuthHeader.name);
  if (token !== undefined) {
    if (!isText(token, 256)) return err(CloseCode.ENROLL_TOKEN_INVALID, 'x-outpost-enroll is malformed');
    if (name !== undefined && !isName(name)) return err(CloseCode.PROTOCOL_ERROR, 'x-outpost-name is not a valid name');
    request.enroll = name === undefined ? { token } : { token, name };
  }
  return ok(request);
}

/** Verifies the signature of a parsed upgrade for this relay's Host; BAD_SIGNATURE when it does not verify. */
export function verifyAuth(request: AuthRequest, relayHost: string): Result<void> {
  const message = authMessage(request.challenge, request.publicKey, relayHost);
  return verify(request.signature, message, request.publicKey)
    ? ok(undefined)
    : err(CloseCode.BAD_SIGNATURE, 'signature does not verify for this key and relay');
}

export { verify as verifySignature } from './ed25519';
