// The log buffer: bounded, numbered, replayable from a sequence number without duplicates, drops counted.
import assert from 'node:assert/strict';
import { LogBuffer, levelOf } from '../../../src/agent/uart/logBuffer';

describe('log buffer', () => {
  it('numbers lines from 1 with their receive time and level', () => {
    const b = new LogBuffer();
    const a = b.append('I: boot', 1000);
    const w = b.append('W: hot', 2000);
    const echo = b.append('> help', 3000);
    assert.deepEqual([a.seq, w.seq, echo.seq], [1, 2, 3]);
    assert.deepEqual([a.level, w.level, echo.level], ['info', 'warn', undefined]);
    assert.equal(w.time, 2000);
    assert.equal(levelOf('E: HardFault'), 'error');
    assert.equal(levelOf('Error without prefix'), undefined);
  });

  it('replays from a sequence number in order, and the next replay continues without repeating', () => {
    const b = new LogBuffer();
    for (let i = 1; i <= 10; i++) b.append(`I: line ${i}`);
    const first = b.since(4).entries;
    assert.deepEqual(
      first.map((e) => e.seq),
      [4, 5, 6, 7, 8, 9, 10],
    );
    b.append('I: line 11');
    const resumed = b.since(first[first.length - 1]!.seq + 1).entries;
    assert.deepEqual(
      resumed.map((e) => e.text),
      ['I: line 11'],
    );
    assert.deepEqual(b.since(12).entries, []);
  });

  it('evicts the oldest lines past its bound, counts them, and reports the gap to a late reader', () => {
    const b = new LogBuffer(5);
    for (let i = 1; i <= 12; i++) b.append(`I: ${i}`);
    assert.equal(b.size, 5);
    assert.equal(b.dropped, 7);
    assert.equal(b.oldestSeq, 8);
    const replay = b.since(3);
    assert.deepEqual(replay.missed, { from: 3, to: 7 });
    assert.deepEqual(
      replay.entries.map((e) => e.seq),
      [8, 9, 10, 11, 12],
    );
    assert.equal(b.since(9).missed, undefined);
  });

  it('bounds memory by bytes too, always keeping the newest line', () => {
    const b = new LogBuffer(1000, 4000);
    for (let i = 0; i < 50; i++) b.append('x'.repeat(500));
    assert.ok(b.size < 50 && b.size >= 1);
    assert.equal(b.dropped + b.size, 50);
  });

  it('gives the newest lines for a tail request', () => {
    const b = new LogBuffer();
    for (let i = 1; i <= 5; i++) b.append(`I: ${i}`);
    assert.deepEqual(
      b.tail(2).map((e) => e.text),
      ['I: 4', 'I: 5'],
    );
    assert.equal(b.tail(50).length, 5);
  });

  it('has a random epoch, so a restarted agent is told apart', () => {
    assert.notEqual(new LogBuffer().epoch, new LogBuffer().epoch);
  });
});
