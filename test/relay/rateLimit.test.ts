// Unit tests of the failed-handshake limiter.
import assert from 'node:assert/strict';
import { FailureLimiter } from '../../src/relay/rateLimit';

describe('FailureLimiter', () => {
  const limits = { maxFailures: 3, windowMs: 1000, maxAddresses: 2 };

  it('blocks an address after its failures and only that address', () => {
    const l = new FailureLimiter(limits);
    for (let i = 0; i < 3; i++) {
      assert.equal(l.blocked('a', 0), false);
      l.fail('a', 0);
    }
    assert.equal(l.blocked('a', 10), true);
    assert.equal(l.blocked('b', 10), false);
  });

  it('forgives an address once its window has passed', () => {
    const l = new FailureLimiter(limits);
    for (let i = 0; i < 3; i++) l.fail('a', 0);
    assert.equal(l.blocked('a', 999), true);
    assert.equal(l.blocked('a', 1000), false);
    l.fail('a', 1001);
    assert.equal(l.blocked('a', 1002), false);
  });

  it('tracks a bounded number of addresses', () => {
    const l = new FailureLimiter(limits);
    for (const a of ['a', 'b', 'c', 'd']) l.fail(a, 0);
    assert.equal(l.size, 2);
  });
});
