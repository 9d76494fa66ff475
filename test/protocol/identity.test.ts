// Identities and base64url: key-file JSON round trip, strict parsing, and key text that is exactly 43 characters.
import assert from 'node:assert/strict';
import { fromBase64url, toBase64url } from '../../src/protocol/base64url';
import { generateIdentity, parseIdentity, parsePublicKey, serializeIdentity } from '../../src/protocol/identity';

describe('identity', () => {
  it('serialises to the key-file JSON and parses back', () => {
    const id = generateIdentity();
    const json = JSON.parse(serializeIdentity(id)) as Record<string, string>;
    assert.deepEqual(Object.keys(json), ['type', 'publicKey', 'secretKey']);
    assert.equal(json.type, 'outpost-ed25519-key');
    assert.equal(json.publicKey.length, 43);
    assert.equal(json.secretKey.length, 43);
    const back = parseIdentity(serializeIdentity(id));
    assert.ok(back.ok);
    assert.deepEqual(back.identity.publicKey, id.publicKey);
    assert.notEqual(generateIdentity().publicKeyText, id.publicKeyText);
  });

  it('rejects broken key files without echoing the key', () => {
    const id = generateIdentity();
    const good = JSON.parse(serializeIdentity(id)) as Record<string, string>;
    const other = JSON.parse(serializeIdentity(generateIdentity())) as Record<string, string>;
    const cases = [
      'not json',
      JSON.stringify({ ...good, type: 'ssh' }),
      JSON.stringify({ ...good, secretKey: good.secretKey.slice(2) }),
      JSON.stringify({ ...good, publicKey: other.publicKey }),
    ];
    for (const text of cases) {
      const r = parseIdentity(text);
      assert.ok(!r.ok);
      assert.ok(!r.reason.includes(good.secretKey));
    }
  });

  it('parses public keys strictly', () => {
    const id = generateIdentity();
    assert.deepEqual(parsePublicKey(id.publicKeyText), id.publicKey);
    assert.deepEqual(parsePublicKey(` ${id.publicKeyText}\n`), id.publicKey);
    assert.equal(parsePublicKey(id.publicKeyText + '='), undefined);
    // Standard padded base64 (44 characters) is a common paste mistake: refused, not guessed.
    assert.equal(parsePublicKey(Buffer.from(id.publicKey).toString('base64')), undefined);
    assert.equal(parsePublicKey('AAAA'), undefined);
    assert.equal(parsePublicKey(42), undefined);
  });

  it('base64url round-trips and refuses non-canonical text', () => {
    const bytes = new Uint8Array([251, 255, 0, 1, 2]);
    assert.equal(toBase64url(bytes), '-_8AAQI');
    assert.deepEqual(fromBase64url('-_8AAQI'), bytes);
    assert.equal(fromBase64url('-_8AAQJ'), undefined);
    assert.equal(fromBase64url('+/8AAQI'), undefined);
    assert.equal(fromBase64url('-_8AAQI='), undefined);
    assert.equal(fromBase64url('A'), undefined);
    assert.equal(fromBase64url('-_8AAQI', 4), undefined);
  });
});
