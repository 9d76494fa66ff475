// The signed OTA manifest: what an image is, who signed it, and the exact bytes the ed25519 signature covers.
import { fromBase64url, toBase64url } from './base64url';
import { canonicalBytes, type CanonicalValue } from './canonical';
import { sign, verify } from './ed25519';
import type { Identity } from './identity';
import { OtaError, otaErrorMessages, type OtaErrorCode } from './otaErrors';

/** The manifest format this code writes and the only one it accepts. */
export const MANIFEST_FORMAT_VERSION = 1;
/** Domain separation: signatures over manifests can never be confused with auth or e2e signatures. */
export const MANIFEST_SIGNING_PREFIX = 'outpost-manifest-v1\0';
/** Largest manifest or offer JSON accepted, in bytes. */
export const MAX_MANIFEST_BYTES = 4096;
/** Largest image a manifest may describe (16 MiB, above any STM32U5 flash). */
export const MAX_IMAGE_SIZE = 16 * 1024 * 1024;

/** What an OTA image is. Every field is covered by the signature. */
export interface Manifest {
  formatVersion: 1;
  /** sha256 of the image bytes (the flash image that is transferred), 64 lowercase hex digits. */
  imageSha256: string;
  imageSize: number;
  /** GNU build id of the ELF the image came from (hex), so debuggers can find the symbols. */
  buildId: string;
  version: string;
  board: string;
  /** Security counter: a device refuses any image whose counter is below the highest it has confirmed. */
  antiRollback: number;
  /** When the manifest was signed, ISO 8601 UTC. */
  created: string;
  /** The signer's ed25519 public key, base64url (43 characters). */
  signer: string;
  /** sha256 of the ELF kept on the relay for symbols, when one was uploaded. */
  elfSha256?: string;
  /** Flash address the image starts at; when absent the device uses its board's flash base. */
  loadAddress?: number;
}

/** A manifest with its signature (base64url, 86 characters) — what an `offer` carries. */
export interface SignedManifest {
  manifest: Manifest;
  signature: string;
}

/** Result of parse/verify: the value, or a typed code and one line saying what is wrong. */
export type ManifestResult<T> = { ok: true; value: T } | { ok: false; code: OtaErrorCode; message: string };

const HEX64 = /^[0-9a-f]{64}$/;
const BUILD_ID = /^[0-9A-Za-z._:-]{1,128}$/;
const BOARD = /^[0-9A-Za-z._-]{1,64}$/;
const PRINTABLE = /^[\x20-\x7e]{1,64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const REQUIRED = [
  'formatVersion',
  'imageSha256',
  'imageSize',
  'buildId',
  'version',
  'board',
  'antiRollback',
  'created',
  'signer',
];
const OPTIONAL = ['elfSha256', 'loadAddress'];

function bad<T>(code: OtaErrorCode, detail: string): ManifestResult<T> {
  return { ok: false, code, message: `${otaErrorMessages[code]}: ${detail}` };
}

function isUint32(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
}

function toObject(input: unknown, what: string): ManifestResult<Record<string, unknown>> {
  let value = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
    if (size > MAX_MANIFEST_BYTES)
      return bad('MANIFEST_TOO_LARGE', `${what} is ${size} bytes, limit ${MAX_MANIFEST_BYTES}`);
    try {
      value = JSON.parse(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
    } catch {
      return bad('MANIFEST_INVALID', `${what} is not JSON`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('MANIFEST_INVALID', `${what} is not a JSON object`);
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Parses a manifest strictly: exactly the known fields, each with its type, shape and size limit.
 * Accepts a JSON string, UTF-8 bytes or an already-parsed value. Never throws.
 */
export function parseManifest(input: unknown): ManifestResult<Manifest> {
  const obj = toObject(input, 'manifest');
  if (!obj.ok) return obj;
  const m = obj.value;
  for (const key of Object.keys(m))
    if (!REQUIRED.includes(key) && !OPTIONAL.includes(key)) return bad('MANIFEST_INVALID', `unknown field ${key}`);
  for (const key of REQUIRED) if (!(key in m)) return bad('MANIFEST_INVALID', `missing field ${key}`);
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION)
    return bad('UNSUPPORTED_FORMAT', `formatVersion ${JSON.stringify(m.formatVersion)}`);
  if (typeof m.imageSha256 !== 'string' || !HEX64.test(m.imageSha256))
    return bad('MANIFEST_INVALID', 'imageSha256 must be 64 lowercase hex digits');
  if (!Number.isSafeInteger(m.imageSize) || (m.imageSize as number) < 1)
    return bad('MANIFEST_INVALID', 'imageSize must be a positive integer');
  if ((m.imageSize as number) > MAX_IMAGE_SIZE)
    return bad('IMAGE_TOO_LARGE', `imageSize ${m.imageSize as number} exceeds ${MAX_IMAGE_SIZE}`);
  if (typeof m.buildId !== 'string' || !BUILD_ID.test(m.buildId))
    return bad('MANIFEST_INVALID', 'buildId must be 1-128 characters of [0-9A-Za-z._:-]');
  if (typeof m.version !== 'string' || !PRINTABLE.test(m.version))
    return bad('MANIFEST_INVALID', 'version must be 1-64 printable ASCII characters');
  if (typeof m.board !== 'string' || !BOARD.test(m.board))
    return bad('MANIFEST_INVALID', 'board must be 1-64 characters of [0-9A-Za-z._-]');
  if (!isUint32(m.antiRollback)) return bad('MANIFEST_INVALID', 'antiRollback must be an integer 0..4294967295');
  if (typeof m.created !== 'string' || !ISO_UTC.test(m.created) || Number.isNaN(Date.parse(m.created)))
    return bad('MANIFEST_INVALID', 'created must be an ISO 8601 UTC time like 2025-01-31T12:00:00Z');
  if (!fromBase64url(m.signer, 32))
    return bad('MANIFEST_INVALID', 'signer must be a base64url ed25519 public key (43 characters)');
  if ('elfSha256' in m && (typeof m.elfSha256 !== 'string' || !HEX64.test(m.elfSha256)))
    return bad('MANIFEST_INVALID', 'elfSha256 must be 64 lowercase hex digits');
  if ('loadAddress' in m && !isUint32(m.loadAddress))
    return bad('MANIFEST_INVALID', 'loadAddress must be an integer 0..4294967295');
  return { ok: true, value: m as unknown as Manifest };
}

/** Parses `{manifest, signature}` strictly (the payload of an `offer`, and of `outpost deploy` uploads). */
export function parseSignedManifest(input: unknown): ManifestResult<SignedManifest> {
  const obj = toObject(input, 'signed manifest');
  if (!obj.ok) return obj;
  const keys = Object.keys(obj.value);
  if (keys.length !== 2 || !keys.includes('manifest') || !keys.includes('signature'))
    return bad('MANIFEST_INVALID', 'a signed manifest has exactly the fields manifest and signature');
  const manifest = parseManifest(obj.value.manifest);
  if (!manifest.ok) return manifest;
  const signature = obj.value.signature;
  if (typeof signature !== 'string' || !fromBase64url(signature, 64))
    return bad('MANIFEST_INVALID', 'signature must be a base64url ed25519 signature (86 characters)');
  return { ok: true, value: { manifest: manifest.value, signature } };
}

/** The exact bytes signed: `"outpost-manifest-v1\0"` followed by the manifest's canonical JSON (UTF-8). */
export function manifestSigningBytes(manifest: Manifest): Buffer {
  return canonicalBytes(MANIFEST_SIGNING_PREFIX, manifest as unknown as CanonicalValue);
}

/** Fields a signer supplies; formatVersion, signer and (by default) created are filled in by signManifest. */
export type ManifestFields = Omit<Manifest, 'formatVersion' | 'signer' | 'created'> & { created?: string };

/**
 * Builds and signs a manifest with an Outpost identity (`outpost keys new`; read it with readIdentityFile).
 * Throws OtaError(MANIFEST_INVALID) when the fields would not pass parseManifest on a device.
 */
export function signManifest(fields: ManifestFields, identity: Identity): SignedManifest {
  const signer = identity.publicKeyText;
  const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as ManifestFields;
  const candidate: Manifest = {
    ...given,
    formatVersion: MANIFEST_FORMAT_VERSION,
    created: fields.created ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    signer,
  };
  const parsed = parseManifest(candidate);
  if (!parsed.ok) throw new OtaError(parsed.code, parsed.message);
  const signature = toBase64url(sign(manifestSigningBytes(parsed.value), identity.secretKey));
  return { manifest: parsed.value, signature };
}

/**
 * Verifies a parsed signed manifest against the keys this device pins (`--trust`). The signer must be one of
 * them and the signature must verify with it. Checks nothing about the image bytes, board or counters.
 */
export function verifyManifest(signed: SignedManifest, trustedSigners: readonly string[]): ManifestResult<Manifest> {
  if (trustedSigners.length === 0) return bad('NO_TRUSTED_SIGNERS', 'no --trust key configured');
  const signer = fromBase64url(signed.manifest.signer, 32);
  if (!signer) return bad('MANIFEST_INVALID', 'signer is not a public key');
  if (!trustedSigners.includes(signed.manifest.signer))
    return bad('UNTRUSTED_SIGNER', `signer ${signed.manifest.signer}`);
  const signature = fromBase64url(signed.signature, 64);
  if (!signature) return bad('BAD_SIGNATURE', 'signature is not 64 bytes of base64url');
  return verify(signature, manifestSigningBytes(signed.manifest), signer)
    ? { ok: true, value: signed.manifest }
    : bad('BAD_SIGNATURE', `not signed by ${signed.manifest.signer}`);
}
