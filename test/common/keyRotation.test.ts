// Key rotation proofs: what moves an operator's pin (a chain signed from the pinned key) and what does not.
import assert from 'node:assert/strict';
import {
  parseKeyRotation,
  pinMoveFault,
  rotationMessage,
  rotationSignatureFault,
  signRotation,
  type KeyRotation,
} from '../../src/common/keyRotation';
import { toBase64url } from '../../src/protocol/base64url';
import { generateIdentity, identityFromSeed } from '../../src/protocol/identity';

const relay = 'ws://127.0.0.1:7600';
const at = '2025-03-01T00:00:00.000Z';
const rotate = (...args: Parameters<typeof signRotation>): KeyRotation => ({ ...signRotation(...args), rotatedAt: at });

describe('key rotation proofs', () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const c = generateIdentity();
  const relayOwn = generateIdentity();
  const ab = rotate(relay, 'pump-1', a, b);
  const bc = rotate(relay, 'pump-1', b, c);
  const ask = (pinnedKey: string, presentedKey: string, device = 'pump-1', on = relay) => ({
    relay: on,
    device,
    pinnedKey,
    presentedKey,
  });

  it('signs canonical bytes binding relay, device, old key and new key', () => {
    const message = rotationMessage(ab).toString('utf8');
    assert.equal(
      message,
      `outpost-key-rotation-v1\0{"device":"pump-1","newKey":"${b.publicKeyText}","oldKey":"${a.publicKeyText}","relay":"${relay}"}`,
    );
    // Deterministic: the same seeds sign the same bytes the same way.
    const again = signRotation(relay, 'pump-1', identityFromSeed(a.secretKey), identityFromSeed(b.secretKey));
    assert.equal(again.oldSignature, ab.oldSignature);
  });

  it('moves the pin along a good record', () => {
    assert.equal(rotationSignatureFault(ab), undefined);
    assert.equal(pinMoveFault(ask(a.publicKeyText, b.publicKeyText), [ab]), undefined);
  });

  it('refuses a record whose old key is not the pinned key', () => {
    assert.equal(pinMoveFault(ask(c.publicKeyText, b.publicKeyText), [ab]), 'no rotation signed by the pinned key');
  });

  it('refuses a record whose old or new signature does not verify', () => {
    const otherSig = rotate(relay, 'pump-1', a, c).oldSignature;
    const badOld = { ...ab, oldSignature: otherSig };
    const badNew = { ...ab, newSignature: ab.oldSignature };
    assert.equal(rotationSignatureFault(badOld), 'the old key did not sign this rotation');
    assert.equal(rotationSignatureFault(badNew), 'the new key did not sign this rotation');
    assert.equal(
      pinMoveFault(ask(a.publicKeyText, b.publicKeyText), [badOld]),
      'the old key did not sign this rotation',
    );
    assert.equal(
      pinMoveFault(ask(a.publicKeyText, b.publicKeyText), [badNew]),
      'the new key did not sign this rotation',
    );
  });

  it('refuses a record the relay forged: its own key as new, signed by a key that is not the pinned one', () => {
    const forged = rotate(relay, 'pump-1', c, relayOwn);
    assert.equal(rotationSignatureFault(forged), undefined, 'well signed, by the wrong key');
    assert.ok(pinMoveFault(ask(a.publicKeyText, relayOwn.publicKeyText), [forged]));
    // Claiming the pinned key as old without its signature fails too.
    const claimed = { ...forged, oldKey: a.publicKeyText };
    assert.equal(
      pinMoveFault(ask(a.publicKeyText, relayOwn.publicKeyText), [claimed]),
      'the old key did not sign this rotation',
    );
  });

  it('refuses a record made for another device or another relay', () => {
    const otherDevice = rotate(relay, 'pump-2', a, b);
    const otherRelay = rotate('ws://127.0.0.1:7700', 'pump-1', a, b);
    for (const r of [otherDevice, otherRelay])
      assert.equal(pinMoveFault(ask(a.publicKeyText, b.publicKeyText), [r]), 'no rotation signed by the pinned key');
    // A record re-labelled for this device breaks its signatures.
    const relabelled = { ...otherDevice, device: 'pump-1' };
    assert.equal(
      pinMoveFault(ask(a.publicKeyText, b.publicKeyText), [relabelled]),
      'the old key did not sign this rotation',
    );
  });

  it('names the relay as the pin does: ws://Host:80/ and ws://host sign the same scope', () => {
    const r = rotate('ws://Relay.example:80/', 'pump-1', a, b);
    assert.equal(r.relay, 'ws://relay.example');
    assert.equal(pinMoveFault(ask(a.publicKeyText, b.publicKeyText, 'pump-1', 'http://relay.example'), [r]), undefined);
  });

  it('follows a chain of two rotations from the pinned key, and stops where the chain breaks', () => {
    assert.equal(pinMoveFault(ask(a.publicKeyText, c.publicKeyText), [ab, bc]), undefined);
    assert.equal(pinMoveFault(ask(b.publicKeyText, c.publicKeyText), [ab, bc]), undefined);
    const d = generateIdentity();
    const cd = rotate(relay, 'pump-1', c, d);
    // b→c missing: from a the chain cannot reach d.
    assert.equal(
      pinMoveFault(ask(a.publicKeyText, d.publicKeyText), [ab, cd]),
      'the rotations do not chain from the pinned key',
    );
    // A chain that ends elsewhere than the listed key.
    assert.equal(
      pinMoveFault(ask(a.publicKeyText, d.publicKeyText), [ab, bc]),
      'the rotations from the pinned key do not end at the key the relay lists',
    );
  });

  it('refuses a rotation to the same key', () => {
    assert.equal(rotationSignatureFault(rotate(relay, 'pump-1', a, a)), 'the new key is the old key');
  });

  it('parses a record strictly', () => {
    assert.deepEqual(parseKeyRotation(JSON.parse(JSON.stringify(ab))), ab);
    assert.equal(parseKeyRotation({ ...ab, oldKey: 'short' }), undefined);
    assert.equal(parseKeyRotation({ ...ab, newSignature: toBase64url(new Uint8Array(10)) }), undefined);
    assert.equal(parseKeyRotation({ ...ab, device: '../x' }), undefined);
    assert.equal(parseKeyRotation('text'), undefined);
  });
});
