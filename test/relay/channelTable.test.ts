// Unit tests of the per-connection channel id table the router maps through.
import assert from 'node:assert/strict';
import { ChannelTable } from '../../src/relay/channelTable';
import { CloseCode } from '../../src/protocol/closeCodes';

describe('ChannelTable', () => {
  it('accepts odd ids from an opener and refuses even or busy ones', () => {
    const t = new ChannelTable<string>();
    assert.equal(t.checkClaim(1), undefined);
    t.claim(1, 'a');
    assert.equal(t.checkClaim(1), CloseCode.PROTOCOL_ERROR);
    assert.equal(t.checkClaim(2), CloseCode.PROTOCOL_ERROR);
    assert.equal(t.checkClaim(0), CloseCode.PROTOCOL_ERROR);
    assert.deepEqual(t.lookup(1), { state: 'open', value: 'a' });
  });

  it('allocates distinct ids that are never reused on the connection', () => {
    const t = new ChannelTable<string>();
    const a = t.allocate('a');
    const b = t.allocate('b');
    assert.notEqual(a, b);
    t.release(a);
    const c = t.allocate('c');
    assert.ok(c !== a && c !== b);
    assert.deepEqual(t.lookup(b), { state: 'open', value: 'b' });
  });

  it('tells closed ids (late frames, dropped) from ids never opened (UNKNOWN_CHANNEL)', () => {
    const opener = new ChannelTable<string>();
    opener.claim(5, 'x');
    assert.equal(opener.release(5), 'x');
    assert.deepEqual(opener.lookup(5), { state: 'closed' });
    assert.deepEqual(opener.lookup(7), { state: 'unknown' });

    const device = new ChannelTable<string>();
    const id = device.allocate('y');
    device.release(id);
    assert.deepEqual(device.lookup(id), { state: 'closed' });
    assert.deepEqual(device.lookup(id + 100), { state: 'unknown' });
  });

  it('lets an opener reuse an id after closing it', () => {
    const t = new ChannelTable<string>();
    t.claim(3, 'first');
    t.release(3);
    assert.equal(t.checkClaim(3), undefined);
    t.claim(3, 'second');
    assert.deepEqual(t.lookup(3), { state: 'open', value: 'second' });
  });

  it('remembers a bounded number of closed ids', () => {
    const t = new ChannelTable<number>();
    for (let id = 1; id < 5000; id += 2) {
      t.claim(id, id);
      t.release(id);
    }
    assert.deepEqual(t.lookup(4999), { state: 'closed' });
    assert.deepEqual(t.lookup(1), { state: 'unknown' });
    assert.equal(t.size, 0);
  });
});
