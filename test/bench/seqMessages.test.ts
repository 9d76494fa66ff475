// The load test's stream checker: it must notice every kind of damage a relay could do to a stream.
import assert from 'node:assert/strict';
import { encodeSeqMessage, SeqReceiver } from '../../bench/support/seqMessages';
import { seededRandom } from '../helpers/seededRandom';

/** Feeds `messages` to a receiver of stream 7 in randomly cut pieces, as a socket would deliver them. */
function receive(messages: Buffer[], seed = 1): SeqReceiver {
  const rx = new SeqReceiver(7);
  const all = Buffer.concat(messages);
  const random = seededRandom(seed);
  for (let at = 0; at < all.length;) {
    const n = 1 + Math.floor(random() * 9000);
    rx.push(all.subarray(at, at + n));
    at += n;
  }
  return rx;
}

const stream = (n: number, id = 7): Buffer[] => Array.from({ length: n }, (_, i) => encodeSeqMessage(id, i, 0));

describe('sequence-numbered stream checker', () => {
  it('passes an intact stream however it is cut, with one latency sample per message', () => {
    for (const seed of [1, 2, 3]) {
      const rx = receive(stream(300), seed);
      assert.deepEqual(rx.verdict(300), {
        stream: 7,
        sent: 300,
        received: 300,
        lost: 0,
        duplicated: 0,
        reordered: 0,
        corrupted: 0,
      });
      assert.equal(rx.latenciesMs.length, 300);
      assert.ok(rx.complete(300));
    }
  });

  it('counts a lost message, including one missing at the end', () => {
    const msgs = stream(200);
    msgs.splice(50, 1);
    const rx = receive(msgs);
    assert.equal(rx.verdict(200).lost, 1);
    assert.equal(rx.complete(200), false);
    assert.equal(receive(stream(199)).verdict(200).lost, 1);
  });

  it('counts duplicated and reordered messages', () => {
    const dup = stream(100);
    dup.splice(40, 0, dup[39]);
    assert.equal(receive(dup).verdict(100).duplicated, 1);
    const swapped = stream(100);
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    const v = receive(swapped).verdict(100);
    assert.equal(v.reordered, 1);
    assert.equal(v.lost, 0);
  });

  it('counts an altered payload byte and a message of another stream as corrupted', () => {
    const msgs = stream(100);
    const big = msgs.findIndex((m) => m.length > 65_536);
    assert.ok(big >= 0, 'the workload has messages larger than a DATA frame');
    msgs[big] = Buffer.from(msgs[big]);
    msgs[big][msgs[big].length - 3] ^= 1;
    assert.equal(receive(msgs).verdict(100).corrupted, 1);
    const misrouted = stream(100);
    misrouted[5] = encodeSeqMessage(8, 5, 0);
    assert.equal(receive(misrouted).verdict(100).corrupted, 1);
  });
});
