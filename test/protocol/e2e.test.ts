// End-to-end encryption: both sides derive matching keys, and every attack the relay could mount fails with E2E_FAILED.
import assert from 'node:assert/strict';
import { fromBase64url, toBase64url } from '../../src/protocol/base64url';
import { CloseCode } from '../../src/protocol/closeCodes';
import { acceptOffer, createOffer, E2E_OVERHEAD, type E2eSession } from '../../src/protocol/e2e';
import { generateIdentity } from '../../src/protocol/identity';

const operator = generateIdentity();
const device = generateIdentity();

function handshake(): { op: E2eSession; dev: E2eSession } {
  const { offer, complete } = createOffer(operator, 'rsp', device.publicKey);
  const accepted = acceptOffer(device, 'rsp', operator.publicKey, offer);
  assert.ok(accepted.ok, accepted.ok ? '' : accepted.reason);
  const done = complete(accepted.value.answer);
  assert.ok(done.ok, done.ok ? '' : done.reason);
  return { op: done.value, dev: accepted.value.session };
}

function e2eFailed(r: { ok: boolean; code?: CloseCode }): void {
  assert.equal(r.ok, false);
  assert.equal(r.code, CloseCode.E2E_FAILED);
}

describe('e2e', () => {
  it('carries bytes both ways and hides the plaintext', () => {
    const { op, dev } = handshake();
    const packet = Buffer.from('$m20000000,4#8d');
    const sealed = op.seal(packet);
    assert.equal(sealed.length, packet.length + E2E_OVERHEAD);
    assert.equal(sealed.includes(packet), false);
    assert.deepEqual(dev.open(sealed), { ok: true, value: packet });
    const reply = dev.seal(Buffer.from('$00000000#80'));
    assert.deepEqual(op.open(reply), { ok: true, value: Buffer.from('$00000000#80') });
    assert.deepEqual(op.open(dev.seal(Buffer.alloc(0))), { ok: true, value: Buffer.alloc(0) });
  });

  it('gives each direction its own key', () => {
    const { op } = handshake();
    // A chunk reflected back at its sender does not open.
    e2eFailed(op.open(op.seal(Buffer.from('x'))));
  });

  it('fails on tampered ciphertext, and stays failed', () => {
    const { op, dev } = handshake();
    const sealed = op.seal(Buffer.from('hello'));
    sealed[10] ^= 0x40;
    e2eFailed(dev.open(sealed));
    e2eFailed(dev.open(op.seal(Buffer.from('next'))));
  });

  it('fails on a tampered tag or a truncated chunk', () => {
    const { op, dev } = handshake();
    const sealed = op.seal(Buffer.from('hello'));
    sealed[sealed.length - 1] ^= 1;
    e2eFailed(dev.open(sealed));
    const b = handshake();
    e2eFailed(b.dev.open(b.op.seal(Buffer.from('hello')).subarray(0, E2E_OVERHEAD - 1)));
  });

  it('fails on a replayed chunk', () => {
    const { op, dev } = handshake();
    const first = op.seal(Buffer.from('a'));
    assert.ok(dev.open(first).ok);
    e2eFailed(dev.open(first));
  });

  it('fails on reordered or dropped chunks', () => {
    const { op, dev } = handshake();
    const a = op.seal(Buffer.from('a'));
    const b = op.seal(Buffer.from('b'));
    e2eFailed(dev.open(b));
    const second = handshake();
    second.op.seal(Buffer.from('lost'));
    e2eFailed(second.dev.open(second.op.seal(Buffer.from('after gap'))));
    assert.ok(a.length > 0);
  });

  it('fails when a forged sequence number is written into the chunk', () => {
    const { op, dev } = handshake();
    assert.ok(dev.open(op.seal(Buffer.from('a'))).ok);
    const b = op.seal(Buffer.from('b'));
    b.writeBigUInt64BE(1n, 0);
    assert.ok(dev.open(b).ok, 'sequence 1 is the expected one');
    const c = op.seal(Buffer.from('c'));
    c.writeBigUInt64BE(3n, 0);
    e2eFailed(dev.open(c));
  });

  it('device refuses an offer signed by a key other than the operator the relay named', () => {
    const mallory = generateIdentity();
    const { offer } = createOffer(mallory, 'rsp', device.publicKey);
    e2eFailed(acceptOffer(device, 'rsp', operator.publicKey, offer));
  });

  it('device refuses an offer whose ephemeral key the relay swapped', () => {
    const { offer } = createOffer(operator, 'rsp', device.publicKey);
    const relays = createOffer(generateIdentity(), 'rsp', device.publicKey).offer;
    e2eFailed(acceptOffer(device, 'rsp', operator.publicKey, { ...offer, x25519: relays.x25519 }));
  });

  it('device refuses an offer made for another device or another channel kind', () => {
    const { offer } = createOffer(operator, 'rsp', generateIdentity().publicKey);
    e2eFailed(acceptOffer(device, 'rsp', operator.publicKey, offer));
    const consoleOffer = createOffer(operator, 'console', device.publicKey).offer;
    e2eFailed(acceptOffer(device, 'rsp', operator.publicKey, consoleOffer));
  });

  it('operator refuses an answer not signed by the device key it expects', () => {
    const { offer, complete } = createOffer(operator, 'rsp', device.publicKey);
    const impostor = acceptOffer(generateIdentity(), 'rsp', operator.publicKey, offer);
    // The impostor's check fails first (the offer names the real device), so forge an answer directly.
    assert.equal(impostor.ok, false);
    const real = acceptOffer(device, 'rsp', operator.publicKey, offer);
    assert.ok(real.ok);
    const swapped = { ...real.value.answer, x25519: createOffer(operator, 'rsp', device.publicKey).offer.x25519 };
    e2eFailed(complete(swapped));
    e2eFailed(complete(undefined));
    e2eFailed(complete({ x25519: 'AA', sig: 'BB' }));
  });

  it('refuses malformed offers and low-order ephemeral keys', () => {
    e2eFailed(acceptOffer(device, 'rsp', operator.publicKey, undefined));
    e2eFailed(acceptOffer(device, 'rsp', operator.publicKey, { x25519: 'x', nonce: 'y', sig: 'z' }));
    // A correctly signed offer carrying the all-zero point (low order) must not yield a known key.
    const { offer } = createOffer(operator, 'rsp', device.publicKey);
    const zero = toBase64url(new Uint8Array(32));
    const r = acceptOffer(device, 'rsp', operator.publicKey, { ...offer, x25519: zero });
    e2eFailed(r);
    assert.equal(fromBase64url(offer.nonce)?.length, 16);
  });
});
