// Canonical JSON: one spelling per value, refusing values that have several.
import assert from 'node:assert/strict';
import { canonicalBytes, canonicalJson } from '../../src/protocol/canonical';

describe('protocol/canonical', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } }), '{"a":{"c":"x","d":[true,null]},"b":1}');
  });

  it('gives the same bytes whatever the insertion order', () => {
    assert.equal(canonicalJson({ x: 1, y: 'é\u2028' }), canonicalJson({ y: 'é\u2028', x: 1 }));
  });

  it('refuses floats, non-safe integers, undefined and sparse arrays', () => {
    assert.throws(() => canonicalJson(1.5), TypeError);
    assert.throws(() => canonicalJson(2 ** 60), TypeError);
    assert.throws(() => canonicalJson({ a: undefined } as never), TypeError);
    // eslint-disable-next-line no-sparse-arrays
    assert.throws(() => canonicalJson([1, , 2] as never), TypeError);
  });

  it('puts the domain prefix before the JSON', () => {
    assert.deepEqual(canonicalBytes('p\0', { a: 1 }), Buffer.from('p\0{"a":1}', 'latin1'));
  });
});
