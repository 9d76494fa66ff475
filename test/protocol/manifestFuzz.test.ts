// Bounded fuzz of the OTA manifest parser and verifier: mutated manifests never throw, never verify, and say why.
import assert from 'node:assert/strict';
import { generateIdentity } from '../../src/protocol/identity';
import { parseSignedManifest, signManifest, verifyManifest, type SignedManifest } from '../../src/protocol/manifest';
import { seededRandom } from '../helpers/seededRandom';

const oddValues = (rand: () => number): unknown[] => [
  null,
  undefined,
  true,
  -1,
  0,
  1.5,
  NaN,
  Infinity,
  2 ** 53,
  '',
  '../../x',
  'é'.repeat(Math.floor(rand() * 5000)),
  [],
  {},
  { __proto__: { polluted: true } },
  [1, [2, [3]]],
  Math.floor(rand() * 1e9).toString(16),
];

describe('protocol/manifest fuzz', () => {
  const signer = generateIdentity();
  const signed: SignedManifest = signManifest(
    {
      imageSha256: 'ab'.repeat(32),
      imageSize: 1024,
      buildId: '0123456789abcdef0123456789abcdef01234567',
      version: '1.2.3',
      board: 'mps2-an505',
      antiRollback: 3,
    },
    signer,
  );
  const seed = Date.now() >>> 0;
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

  /** Parses then verifies; must return a typed refusal (never throw), unless the mutation changed nothing. */
  function judge(input: unknown, label: string): void {
    let parsed;
    try {
      parsed = parseSignedManifest(input);
      if (parsed.ok) parsed = verifyManifest(parsed.value, [signer.publicKeyText]);
    } catch (err) {
      assert.fail(`seed ${seed} ${label}: threw ${(err as Error).message}`);
    }
    if (parsed.ok) return;
    assert.match(parsed.code, /^[A-Z_]+$/, label);
    assert.ok(parsed.message.length > 0 && !parsed.message.includes('\n'), label);
  }

  it('refuses 2000 manifests with a field replaced, added or dropped, without throwing and without verifying', () => {
    const fieldNames = [...Object.keys(signed.manifest), 'extra', '__proto__', 'constructor'];
    for (let i = 0; i < 2000; i++) {
      const copy = JSON.parse(JSON.stringify(signed)) as { manifest: Record<string, unknown>; signature: unknown };
      const field = pick(fieldNames);
      const value = pick(oddValues(rand));
      const how = Math.floor(rand() * 3);
      if (how === 0) copy.manifest[field] = value;
      else if (how === 1) delete copy.manifest[field];
      else copy.signature = value;
      const changed = JSON.stringify(copy) !== JSON.stringify(signed);
      const label = `case ${i}: ${how} ${field}`;
      judge(copy, label);
      if (changed) {
        const r = parseSignedManifest(copy);
        assert.ok(!r.ok || !verifyManifest(r.value, [signer.publicKeyText]).ok, `seed ${seed} ${label} verified`);
      }
    }
  });

  it('refuses 2000 truncated or byte-flipped JSON texts of a signed manifest without throwing', () => {
    const text = Buffer.from(JSON.stringify(signed));
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(text.subarray(0, 1 + Math.floor(rand() * text.length)));
      const flips = Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      let input: unknown;
      try {
        input = JSON.parse(bytes.toString('utf8'));
      } catch {
        continue; // Not JSON: the wire layer refuses it before the parser under test sees anything.
      }
      const same = bytes.equals(text);
      judge(input, `case ${i}`);
      if (!same) {
        const r = parseSignedManifest(input);
        const verified = r.ok && verifyManifest(r.value, [signer.publicKeyText]).ok;
        // A flip inside insignificant whitespace cannot exist (no whitespace); a verified result must equal the original.
        if (verified) assert.deepEqual(r.value, signed, `seed ${seed} case ${i}`);
      }
    }
  });

  it('refuses non-object inputs of every JSON type', () => {
    for (const v of [...oddValues(rand), 'x'.repeat(100_000), { manifest: signed.manifest }]) judge(v, String(v));
    assert.equal(parseSignedManifest({ manifest: signed.manifest }).ok, false);
  });
});
