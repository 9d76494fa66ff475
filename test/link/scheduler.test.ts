// Send scheduler and reconnect backoff: interactive frames never wait behind bulk, and retry delays stay in their bounds.
import assert from 'node:assert/strict';
import { Backoff } from '../../src/link/backoff';
import { Priority, priorityOf, SendScheduler, type FrameSink } from '../../src/link/scheduler';

/** A socket stand-in whose buffer drains only when the test says so. */
class SlowSink implements FrameSink {
  sent: string[] = [];
  bufferedAmount = 0;
  private callbacks: { size: number; cb: (err?: Error) => void }[] = [];
  send(data: Buffer, cb: (err?: Error) => void): void {
    this.sent.push(data.toString());
    this.bufferedAmount += data.length;
    this.callbacks.push({ size: data.length, cb });
  }
  drainOne(): void {
    const next = this.callbacks.shift();
    if (!next) return;
    this.bufferedAmount -= next.size;
    next.cb();
  }
}

describe('send scheduler', () => {
  it('maps channel kinds to priorities', () => {
    assert.equal(priorityOf('rsp'), Priority.Interactive);
    assert.equal(priorityOf('console'), Priority.Interactive);
    assert.equal(priorityOf('logs'), Priority.Logs);
    assert.equal(priorityOf('ota'), Priority.Bulk);
  });

  it('holds bulk while the socket buffer is full and sends interactive frames at once', () => {
    const sink = new SlowSink();
    const s = new SendScheduler(sink, (e) => assert.fail(e), 10);
    for (let i = 0; i < 5; i++) s.enqueue(Buffer.from(`ota${i}-xxxxxx`), Priority.Bulk);
    assert.deepEqual(sink.sent, ['ota0-xxxxxx'], 'one bulk frame fills the 10-byte threshold');
    s.enqueue(Buffer.from('rsp'), Priority.Interactive);
    assert.deepEqual(sink.sent.at(-1), 'rsp', 'interactive goes out without waiting');
    s.enqueue(Buffer.from('log'), Priority.Logs);
    assert.equal(s.pending, 5);
    sink.drainOne();
    sink.drainOne();
    assert.equal(sink.sent[2], 'log', 'logs before ota once there is room');
    while (s.pending > 0 || sink.bufferedAmount > 0) sink.drainOne();
    assert.deepEqual(
      sink.sent.slice(3),
      ['ota1-xxxxxx', 'ota2-xxxxxx', 'ota3-xxxxxx', 'ota4-xxxxxx'],
      'bulk keeps its order',
    );
  });

  it('drops everything after close', () => {
    const sink = new SlowSink();
    const s = new SendScheduler(sink, (e) => assert.fail(e), 1);
    s.enqueue(Buffer.from('a'), Priority.Bulk);
    s.enqueue(Buffer.from('b'), Priority.Bulk);
    s.close();
    s.enqueue(Buffer.from('c'), Priority.Interactive);
    sink.drainOne();
    assert.deepEqual(sink.sent, ['a']);
  });
});

describe('backoff', () => {
  it('doubles from 1 s to a 60 s cap with jitter in the upper half', () => {
    const lo = new Backoff(1000, 60_000, () => 0);
    const hi = new Backoff(1000, 60_000, () => 1);
    const lows = Array.from({ length: 9 }, () => lo.next());
    const highs = Array.from({ length: 9 }, () => hi.next());
    assert.deepEqual(highs, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    assert.deepEqual(lows, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff(1000, 60_000, () => 1);
    b.next();
    b.next();
    b.reset();
    assert.equal(b.next(), 1000);
  });
});
