// Signed OTA manifests: strict parsing, canonical signing bytes, and what a device refuses.
import assert from 'node:assert/strict';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { canonicalJson } from '../../src/protocol/canonical';
import {
  MANIFEST_SIGNING_PREFIX,
  manifestSigningBytes,
  parseManifest,
  parseSignedManifest,
  signManifest,
  verifyManifest,
  type ManifestFields,
} from '../../src/protocol/manifest';

const fields: ManifestFields = {
  imageSha256: 'ab'.repeat(32),
  imageSize: 1024,
  buildId: '0123456789abcdef0123456789abcdef01234567',
  version: '1.2.3',
  board: 'mps2-an505',
  antiRollback: 3,
  created: '2025-01-31T12:00:00Z',
};

function keypair(): { id: Identity; pub: string } {
  const id = generateIdentity();
  return { id, pub: id.publicKeyText };
}

describe('protocol/manifest', () => {
  const alice = keypair();
  const mallory = keypair();

  it('signs and verifies against a pinned signer', () => {
    const signed = signManifest(fields, alice.id);
    assert.equal(signed.manifest.signer, alice.pub);
    assert.equal(signed.signature.length, 86);
    const res = verifyManifest(signed, [mallory.pub, alice.pub]);
    assert.ok(res.ok);
  });

  it('signs exactly prefix || sorted-key JSON without whitespace', () => {
    const { manifest } = signManifest(fields, alice.id);
    const bytes = manifestSigningBytes(manifest);
    const text = bytes.toString('utf8');
    assert.ok(text.startsWith('outpost-manifest-v1\0{"antiRollback":3,"board":"mps2-an505","buildId":'));
    assert.equal(text, MANIFEST_SIGNING_PREFIX + canonicalJson({ ...manifest }));
    assert.ok(!/\s/.test(text.slice(MANIFEST_SIGNING_PREFIX.length)));
  });

  it('verifies the same manifest after a JSON round trip with keys in another order', () => {
    const signed = signManifest(fields, alice.id);
    const reordered = Object.fromEntries(Object.entries(signed.manifest).reverse());
    const wire = JSON.stringify({ signature: signed.signature, manifest: reordered }, null, 2);
    const parsed = parseSignedManifest(wire);
    assert.ok(parsed.ok);
    assert.ok(verifyManifest(parsed.value, [alice.pub]).ok);
  });

  it('refuses a manifest whose fields changed after signing', () => {
    const signed = signManifest(fields, alice.id);
    for (const change of [{ antiRollback: 4 }, { imageSha256: 'cd'.repeat(32) }, { board: 'stm32u585' }]) {
      const res = verifyManifest({ ...signed, manifest: { ...signed.manifest, ...change } }, [alice.pub]);
      assert.deepEqual(res.ok ? 'ok' : res.code, 'BAD_SIGNATURE');
    }
  });

  it('refuses an untrusted signer even when its signature is valid', () => {
    const signed = signManifest(fields, mallory.id);
    const res = verifyManifest(signed, [alice.pub]);
    assert.equal(res.ok ? 'ok' : res.code, 'UNTRUSTED_SIGNER');
  });

  it('refuses a trusted signer name on a signature made by another key', () => {
    const forged = signManifest(fields, mallory.id);
    const res = verifyManifest({ ...forged, manifest: { ...forged.manifest, signer: alice.pub } }, [alice.pub]);
    assert.equal(res.ok ? 'ok' : res.code, 'BAD_SIGNATURE');
  });

  it('refuses everything when no signer is trusted', () => {
    const res = verifyManifest(signManifest(fields, alice.id), []);
    assert.equal(res.ok ? 'ok' : res.code, 'NO_TRUSTED_SIGNERS');
  });

  it('parses strictly with typed errors', () => {
    const { manifest } = signManifest(fields, alice.id);
    const cases: [unknown, string][] = [
      ['{not json', 'MANIFEST_INVALID'],
      [[], 'MANIFEST_INVALID'],
      [{ ...manifest, extra: 1 }, 'MANIFEST_INVALID'],
      [{ ...manifest, formatVersion: 2 }, 'UNSUPPORTED_FORMAT'],
      [{ ...manifest, imageSha256: 'AB'.repeat(32) }, 'MANIFEST_INVALID'],
      [{ ...manifest, imageSize: 0 }, 'MANIFEST_INVALID'],
      [{ ...manifest, imageSize: 1.5 }, 'MANIFEST_INVALID'],
      [{ ...manifest, imageSize: 64 * 1024 * 1024 }, 'IMAGE_TOO_LARGE'],
      [{ ...manifest, antiRollback: -1 }, 'MANIFEST_INVALID'],
      [{ ...manifest, created: 'yesterday' }, 'MANIFEST_INVALID'],
      [{ ...manifest, signer: 'x'.repeat(43) + '=' }, 'MANIFEST_INVALID'],
      [{ ...manifest, version: 'v\n1' }, 'MANIFEST_INVALID'],
      [{ ...manifest, board: 'a'.repeat(65) }, 'MANIFEST_INVALID'],
      [JSON.stringify({ ...manifest, version: 'x', pad: 'y'.repeat(5000) }), 'MANIFEST_TOO_LARGE'],
    ];
    for (const [input, code] of cases) {
      const res = parseManifest(input);
      assert.equal(res.ok ? 'ok' : res.code, code, JSON.stringify(input).slice(0, 80));
      if (!res.ok) assert.ok(!res.message.includes('\n'));
    }
    const { signer: _signer, ...missing } = manifest;
    assert.equal((parseManifest(missing) as { code: string }).code, 'MANIFEST_INVALID');
  });

  it('rejects a key spelled with non-canonical trailing bits', () => {
    const key = alice.pub;
    const last = key[42];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = key.slice(0, 42) + alphabet[alphabet.indexOf(last) ^ 1];
    assert.deepEqual(Buffer.from(twin, 'base64url'), Buffer.from(key, 'base64url'));
    const { manifest } = signManifest(fields, alice.id);
    assert.equal(parseManifest({ ...manifest, signer: twin }).ok, false);
  });

  it('refuses to sign fields a device would reject', () => {
    assert.throws(() => signManifest({ ...fields, imageSize: -5 }, alice.id), /imageSize/);
  });

  it('parses a signed manifest only with a well-formed signature', () => {
    const signed = signManifest(fields, alice.id);
    assert.equal(parseSignedManifest({ ...signed, signature: 'abc' }).ok, false);
    assert.equal(parseSignedManifest({ ...signed, extra: true }).ok, false);
    assert.ok(parseSignedManifest(Buffer.from(JSON.stringify(signed))).ok);
  });
});
