// Flow-control credit: senders stop at zero, receivers detect overruns, grants are batched and never lost.
import assert from 'node:assert/strict';
import { CloseCode } from '../../src/protocol/closeCodes';
import { INITIAL_WINDOW, ReceiveWindow, SendCredit } from '../../src/protocol/credit';

describe('credit', () => {
  it('starts with a 256 KiB window', () => {
    assert.equal(INITIAL_WINDOW, 262144);
    assert.equal(new SendCredit().available, INITIAL_WINDOW);
    assert.equal(new ReceiveWindow().remaining, INITIAL_WINDOW);
  });

  it('lets a sender take at most its credit, then resume on a grant', () => {
    const c = new SendCredit(100);
    assert.equal(c.take(60), 60);
    assert.equal(c.take(60), 40);
    assert.equal(c.take(60), 0);
    assert.ok(c.grant(50).ok);
    assert.equal(c.take(60), 50);
  });

  it('flags a peer that sends beyond its credit', () => {
    const c = new SendCredit(10);
    assert.ok(c.spend(10).ok);
    const r = c.spend(1);
    assert.ok(!r.ok && r.code === CloseCode.CREDIT_EXCEEDED);
    const w = new ReceiveWindow(10);
    assert.ok(w.receive(8).ok);
    const over = w.receive(3);
    assert.ok(!over.ok && over.code === CloseCode.CREDIT_EXCEEDED);
  });

  it('refuses grants that overflow u32', () => {
    const c = new SendCredit(0xfffffff0);
    assert.equal(c.grant(0x100).ok, false);
    assert.equal(c.grant(-1).ok, false);
  });

  it('batches grants and returns every consumed byte eventually', () => {
    const w = new ReceiveWindow(1000);
    const s = new SendCredit(1000);
    let granted = 0;
    for (let i = 0; i < 100; i++) {
      const n = s.take(30);
      assert.ok(n > 0, 'sender never starves when the consumer keeps reading');
      assert.ok(w.receive(n).ok);
      const g = w.consumed(n);
      if (g > 0) {
        assert.ok(g >= 250, 'grants are batched');
        assert.ok(s.grant(g).ok);
        granted += g;
      }
    }
    assert.equal(s.available + (3000 - granted), 1000);
    assert.equal(w.remaining, s.available);
  });
});
