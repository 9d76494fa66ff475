// RSP stream tracking and stub-reply parsing: what decides whether the agent must detach for a vanished operator.
import assert from 'node:assert/strict';
import { rspPackets } from '../../src/agent/rspDetach';
import { RspWatch } from '../../src/agent/rspWatch';

const feed = (...parts: string[]): RspWatch => {
  const w = new RspWatch();
  for (const p of parts) w.feed(Buffer.from(p, 'latin1'));
  return w;
};

describe('RspWatch', () => {
  it('sees a detach or kill as the operator ending the session', () => {
    assert.equal(feed('+$D#44').sessionEnded, true);
    assert.equal(feed('$D;1#b0').sessionEnded, true);
    assert.equal(feed('$k#6b').sessionEnded, true);
    assert.equal(feed('$vKill;1#6e').sessionEnded, true);
  });

  it('does not mistake other packets or a D inside data for a detach', () => {
    assert.equal(feed('$qSupported:multiprocess+#c6', '+$g#67', '$m20000000,4#8d').sessionEnded, false);
    assert.equal(feed('$X20000000,1:D#00').sessionEnded, false);
    assert.equal(feed('$kill-me-not#00').sessionEnded, false);
  });

  it('needs the whole checksum before a detach counts', () => {
    const w = feed('$D#4');
    assert.equal(w.sessionEnded, false);
    assert.equal(w.midPacket, true);
    w.feed(Buffer.from('4'));
    assert.equal(w.sessionEnded, true);
    assert.equal(w.midPacket, false);
  });

  it('knows when a packet was cut in half across chunks', () => {
    const w = feed('$m2000', '0000');
    assert.equal(w.midPacket, true);
    w.feed(Buffer.from(',4#8d'));
    assert.equal(w.midPacket, false);
  });
});

describe('rspPackets', () => {
  it('splits acks and packets and keeps an incomplete tail', () => {
    const buf = { text: '+$OK#9a-$T05thread:01;#07$O4' };
    assert.deepEqual([...rspPackets(buf)], ['+', 'OK', '-', 'T05thread:01;']);
    assert.equal(buf.text, '$O4');
    buf.text += '1#0';
    assert.deepEqual([...rspPackets(buf)], []);
    buf.text += '0';
    assert.deepEqual([...rspPackets(buf)], ['O41']);
  });
});
