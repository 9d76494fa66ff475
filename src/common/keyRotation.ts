// Device key rotation proofs: the signed bytes, signing with the old and new keys, and the checks a relay and an operator make.
import { fromBase64url, toBase64url } from '../protocol/base64url';
import { canonicalBytes } from '../protocol/canonical';
import { sign, verify } from '../protocol/ed25519';
import type { Identity } from '../protocol/identity';
import { isName, isRecord, isText } from '../protocol/json';
import { relayScope } from './knownDevices';

const context = 'outpost-key-rotation-v1\0';

/** What a rotation binds: on which relay (as relayScope() writes it), which device, from which key to which. */
export interface KeyRotationSubject {
  relay: string;
  device: string;
  oldKey: string;
  newKey: string;
}

/** A rotation as the relay keeps it and `devices.get` lists it: both keys signed the subject's bytes. */
export interface KeyRotation extends KeyRotationSubject {
  /** base64url Ed25519 signature by `oldKey` over rotationMessage(subject). */
  oldSignature: string;
  /** base64url Ed25519 signature by `newKey` over the same bytes (proof of possession of the new key). */
  newSignature: string;
  /** ISO 8601 time the relay applied it (not signed: the relay's word only). */
  rotatedAt: string;
}

/** The signed bytes: `"outpost-key-rotation-v1\0"` followed by the canonical JSON of {device, newKey, oldKey, relay}. */
export function rotationMessage(subject: KeyRotationSubject): Buffer {
  const { relay, device, oldKey, newKey } = subject;
  return canonicalBytes(context, { relay, device, oldKey, newKey });
}

/** Signs a rotation of `device` on `relay` from `oldIdentity` to `newIdentity` with both keys. */
export function signRotation(
  relay: string,
  device: string,
  oldIdentity: Identity,
  newIdentity: Identity,
): Omit<KeyRotation, 'rotatedAt'> {
  const subject = {
    relay: relayScope(relay),
    device,
    oldKey: oldIdentity.publicKeyText,
    newKey: newIdentity.publicKeyText,
  };
  const message = rotationMessage(subject);
  return {
    ...subject,
    oldSignature: toBase64url(sign(message, oldIdentity.secretKey)),
    newSignature: toBase64url(sign(message, newIdentity.secretKey)),
  };
}

/** Undefined when both signatures of `r` verify over its subject and the keys differ; else the reason, one line. */
export function rotationSignatureFault(r: Omit<KeyRotation, 'rotatedAt'>): string | undefined {
  const oldKey = fromBase64url(r.oldKey, 32);
  const newKey = fromBase64url(r.newKey, 32);
  if (!oldKey || !newKey) return 'a key of the rotation is not a public key';
  if (r.oldKey === r.newKey) return 'the new key is the old key';
  const message = rotationMessage(r);
  const oldSig = fromBase64url(r.oldSignature, 64);
  const newSig = fromBase64url(r.newSignature, 64);
  if (!oldSig || !verify(oldSig, message, oldKey)) return 'the old key did not sign this rotation';
  if (!newSig || !verify(newSig, message, newKey)) return 'the new key did not sign this rotation';
  return undefined;
}

/** Parses a rotation record from JSON (devices.get); undefined when it is not one. Signatures are not checked here. */
export function parseKeyRotation(json: unknown): KeyRotation | undefined {
  if (!isRecord(json)) return undefined;
  const { relay, device, oldKey, newKey, oldSignature, newSignature, rotatedAt } = json;
  if (!isText(relay, 2048) || !isName(device) || !isText(rotatedAt, 64)) return undefined;
  for (const key of [oldKey, newKey]) if (!fromBase64url(key, 32)) return undefined;
  for (const sig of [oldSignature, newSignature]) if (!fromBase64url(sig, 64)) return undefined;
  return { relay, device, oldKey, newKey, oldSignature, newSignature, rotatedAt } as KeyRotation;
}

/** What an operator knows when the relay lists `presentedKey` for a device pinned to `pinnedKey`. */
export interface PinMoveQuestion {
  relay: string;
  device: string;
  pinnedKey: string;
  presentedKey: string;
}

/**
 * May the pin move from `pinnedKey` to `presentedKey`? Yes when `rotations` (the device's records, oldest first)
 * hold an unbroken chain of rotations of this device on this relay from the pinned key to the presented one,
 * every link signed by its old and its new key. A record the relay forged lacks the pinned key's signature, so
 * the answer is then the reason (one line) and the pin stays.
 */
export function pinMoveFault(question: PinMoveQuestion, rotations: readonly KeyRotation[]): string | undefined {
  const scope = relayScope(question.relay);
  const mine = rotations.filter((r) => r.device === question.device && r.relay === scope);
  const start = mine.findIndex((r) => r.oldKey === question.pinnedKey);
  if (start < 0) return 'no rotation signed by the pinned key';
  let key = question.pinnedKey;
  for (const r of mine.slice(start)) {
    if (r.oldKey !== key) return 'the rotations do not chain from the pinned key';
    const fault = rotationSignatureFault(r);
    if (fault) return fault;
    key = r.newKey;
    if (key === question.presentedKey) return undefined;
  }
  return 'the rotations from the pinned key do not end at the key the relay lists';
}
