// Tags typed into the enrollment prompt.
import assert from 'node:assert/strict';
import { parseTags } from '../../src/extension/tags';

describe('tags text', () => {
  it('reads key=value pairs separated by commas', () => {
    assert.deepEqual(parseTags('region=eu, ring = beta'), { region: 'eu', ring: 'beta' });
    assert.deepEqual(parseTags('site=lab 2,'), { site: 'lab 2' });
    assert.deepEqual(parseTags('  '), {});
  });

  it('refuses a part without a key or value', () => {
    assert.equal(parseTags('region'), undefined);
    assert.equal(parseTags('=eu'), undefined);
    assert.equal(parseTags('region='), undefined);
  });
});
