// End-to-end channel encryption: X25519 handshake signed by both ed25519 identities, HKDF-SHA256, ChaCha20-Poly1305 with sequence numbers.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { fromBase64url, toBase64url } from './base64url';
import type { ChannelKind } from './channels';
import { CloseCode } from './closeCodes';
import { sign, verify } from './ed25519';
import type { Identity } from './identity';
import { isRecord } from './json';
import { err, ok, type Result } from './result';

/** Channel kinds that are always end-to-end encrypted: operators offer E2E for them and devices refuse them without. */
export const E2E_REQUIRED: readonly ChannelKind[] = ['rsp', 'console'];

/** Bytes a sealed DATA payload adds to the plaintext: u64 sequence + 16-byte Poly1305 tag. */
export const E2E_OVERHEAD = 8 + 16;
const NONCE_BYTES = 16;
const context = Buffer.from('outpost-e2e-v1\0', 'utf8');
const TAG_OPERATOR_TO_DEVICE = 1;
const TAG_DEVICE_TO_OPERATOR = 2;

/** The operator's OPEN.e2e. */
export interface E2eOffer {
  x25519: string;
  nonce: string;
  sig: string;
}
/** The device's OPEN_OK.e2e. */
export interface E2eAnswer {
  x25519: string;
  sig: string;
}

const kindBytes = (kind: ChannelKind): Buffer => {
  const k = Buffer.from(kind, 'utf8');
  return Buffer.concat([Buffer.from([k.length]), k]);
};

/** Bytes the operator signs: ctx || "open" || len(kind) kind || nonce || x25519(op) || devicePublicKey. */
export function offerSignedBytes(kind: ChannelKind, nonce: Uint8Array, opX: Uint8Array, devicePub: Uint8Array): Buffer {
  return Buffer.concat([context, Buffer.from('open'), kindBytes(kind), nonce, opX, devicePub]);
}

/** Bytes the device signs: ctx || "accept" || len(kind) kind || nonce || x25519(op) || x25519(dev) || operatorPublicKey. */
export function answerSignedBytes(
  kind: ChannelKind,
  nonce: Uint8Array,
  opX: Uint8Array,
  devX: Uint8Array,
  operatorPub: Uint8Array,
): Buffer {
  return Buffer.concat([context, Buffer.from('accept'), kindBytes(kind), nonce, opX, devX, operatorPub]);
}

interface Ephemeral {
  privateKey: KeyObject;
  publicRaw: Uint8Array;
}

function ephemeral(): Ephemeral {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicRaw: fromBase64url(jwk.x, 32) as Uint8Array };
}

function sharedSecret(own: KeyObject, peerRaw: Uint8Array): Buffer | undefined {
  try {
    const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: toBase64url(peerRaw) }, format: 'jwk' });
    const secret = diffieHellman({ privateKey: own, publicKey: peer });
    // A low-order peer point yields all zeros: a relay trying to force a known key.
    return secret.every((b) => b === 0) ? undefined : secret;
  } catch {
    // node rejects some malformed points outright; the caller reports E2E_FAILED either way.
    return undefined;
  }
}

function deriveKeys(
  secret: Buffer,
  kind: ChannelKind,
  nonce: Uint8Array,
  opX: Uint8Array,
  devX: Uint8Array,
  operatorPub: Uint8Array,
  devicePub: Uint8Array,
): { o2d: Buffer; d2o: Buffer } {
  const th = createHash('sha256')
    .update(Buffer.concat([context, Buffer.from('keys'), kindBytes(kind), nonce, opX, devX, operatorPub, devicePub]))
    .digest();
  const okm = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), th, 64));
  return { o2d: okm.subarray(0, 32), d2o: okm.subarray(32, 64) };
}

const e2eFail = (reason: string) => err<never>(CloseCode.E2E_FAILED, reason);

/**
 * Operator side: makes the OPEN.e2e offer for a channel to the device whose identity key is `devicePublicKey`
 * (from devices.list), and a `complete` that checks the device's OPEN_OK.e2e and yields the session.
 */
export function createOffer(
  identity: Identity,
  kind: ChannelKind,
  devicePublicKey: Uint8Array,
): { offer: E2eOffer; complete(answer: unknown): Result<E2eSession> } {
  const eph = ephemeral();
  const nonce = randomBytes(NONCE_BYTES);
  const sig = sign(offerSignedBytes(kind, nonce, eph.publicRaw, devicePublicKey), identity.secretKey);
  const offer = { x25519: toBase64url(eph.publicRaw), nonce: toBase64url(nonce), sig: toBase64url(sig) };
  const complete = (answer: unknown): Result<E2eSession> => {
    if (!isRecord(answer)) return e2eFail('device answered without e2e');
    const devX = fromBase64url(answer.x25519, 32);
    const devSig = fromBase64url(answer.sig, 64);
    if (!devX || !devSig) return e2eFail('device e2e answer is malformed');
    const signed = answerSignedBytes(kind, nonce, eph.publicRaw, devX, identity.publicKey);
    if (!verify(devSig, signed, devicePublicKey)) return e2eFail('device e2e signature does not verify for its key');
    const secret = sharedSecret(eph.privateKey, devX);
    if (!secret) return e2eFail('device ephemeral key is invalid');
    const keys = deriveKeys(secret, kind, nonce, eph.publicRaw, devX, identity.publicKey, devicePublicKey);
    return ok(new E2eSession(keys.o2d, TAG_OPERATOR_TO_DEVICE, keys.d2o, TAG_DEVICE_TO_OPERATOR));
  };
  return { offer, complete };
}

/**
 * Device side: checks an operator's OPEN.e2e against the operator key the relay named (the signature covers the
 * ephemeral key and this device's key, so a relay cannot swap either), and answers with the OPEN_OK.e2e.
 */
export function acceptOffer(
  identity: Identity,
  kind: ChannelKind,
  operatorPublicKey: Uint8Array,
  offer: unknown,
): Result<{ answer: E2eAnswer; session: E2eSession }> {
  if (!isRecord(offer)) return e2eFail('OPEN carries no e2e offer');
  const opX = fromBase64url(offer.x25519, 32);
  const nonce = fromBase64url(offer.nonce, NONCE_BYTES);
  const opSig = fromBase64url(offer.sig, 64);
  if (!opX || !nonce || !opSig) return e2eFail('e2e offer is malformed');
  if (!verify(opSig, offerSignedBytes(kind, nonce, opX, identity.publicKey), operatorPublicKey))
    return e2eFail('operator e2e signature does not verify for its key');
  const eph = ephemeral();
  const secret = sharedSecret(eph.privateKey, opX);
  if (!secret) return e2eFail('operator ephemeral key is invalid');
  const sig = sign(answerSignedBytes(kind, nonce, opX, eph.publicRaw, operatorPublicKey), identity.secretKey);
  const keys = deriveKeys(secret, kind, nonce, opX, eph.publicRaw, operatorPublicKey, identity.publicKey);
  return ok({
    answer: { x25519: toBase64url(eph.publicRaw), sig: toBase64url(sig) },
    session: new E2eSession(keys.d2o, TAG_DEVICE_TO_OPERATOR, keys.o2d, TAG_OPERATOR_TO_DEVICE),
  });
}

function nonceFor(tag: number, seq: bigint): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(tag, 0);
  nonce.writeBigUInt64BE(seq, 4);
  return nonce;
}

/**
 * One channel's sealing state. Sealed payload = u64 BE sequence || ciphertext || tag. Each direction's sequence
 * starts at 0 and must arrive exactly in order; after any failure the session opens nothing more.
 */
export class E2eSession {
  private sendSeq = 0n;
  private recvSeq = 0n;
  private dead = false;

  constructor(
    private readonly sendKey: Buffer,
    private readonly sendTag: number,
    private readonly recvKey: Buffer,
    private readonly recvTag: number,
  ) {}

  /** Encrypts the next outgoing chunk. */
  seal(plaintext: Uint8Array): Buffer {
    const seq = this.sendSeq++;
    const cipher = createCipheriv('chacha20-poly1305', this.sendKey, nonceFor(this.sendTag, seq), {
      authTagLength: 16,
    });
    const head = Buffer.alloc(8);
    head.writeBigUInt64BE(seq, 0);
    return Buffer.concat([head, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  /** Decrypts the next incoming chunk; E2E_FAILED on a gap, replay, reorder or failed authentication. */
  open(sealed: Uint8Array): Result<Buffer> {
    if (this.dead) return e2eFail('channel encryption already failed');
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (buf.length < E2E_OVERHEAD) return this.fail('sealed chunk too short');
    const seq = buf.readBigUInt64BE(0);
    if (seq !== this.recvSeq)
      return this.fail(`sequence ${seq}, expected ${this.recvSeq} (lost, replayed or reordered)`);
    const decipher = createDecipheriv('chacha20-poly1305', this.recvKey, nonceFor(this.recvTag, seq), {
      authTagLength: 16,
    });
    decipher.setAuthTag(buf.subarray(buf.length - 16));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(buf.subarray(8, buf.length - 16)), decipher.final()]);
    } catch {
      return this.fail('chunk failed authentication (tampered)');
    }
    this.recvSeq++;
    return ok(plain);
  }

  private fail(reason: string): Result<Buffer> {
    this.dead = true;
    return e2eFail(reason);
  }
}
