// Where `outpost logs --follow` resumes after a reconnect, and how it prints lines and gaps.
import assert from 'node:assert/strict';
import type { LogsMessage } from '../../src/agent/uart/logsWire';
import { LogCursor } from '../../src/cli/logCursor';
import { formatLogLine, gapNotice } from '../../src/cli/logFormat';

const line = (seq: number, text = `I: line ${seq}`): LogsMessage => ({
  kind: 'line',
  seq,
  time: '2026-01-02T03:04:05.678Z',
  level: 'info',
  text,
});
const live = (epoch: string, next: number): LogsMessage => ({ kind: 'live', epoch, next });

describe('log cursor', () => {
  it('asks for the newest lines first, then for the lines after the last one seen in the same epoch', () => {
    const cursor = new LogCursor(10, true);
    assert.deepEqual(cursor.request(), { tail: 10 });
    for (const m of [line(41), line(42), live('e1', 43), line(43), line(44)]) assert.equal(cursor.see(m), true);
    cursor.disconnected();
    assert.deepEqual(cursor.request(), { from: 45, epoch: 'e1' });
  });

  it('resumes where the live stream starts when nothing came after the replay', () => {
    const cursor = new LogCursor(10, true);
    cursor.see(live('e1', 7));
    cursor.disconnected();
    assert.deepEqual(cursor.request(), { from: 7, epoch: 'e1' });
  });

  it('takes the new epoch of a restarted agent, whose sequence numbers start again', () => {
    const cursor = new LogCursor(10, true);
    cursor.see(line(500));
    cursor.see(live('old', 501));
    cursor.disconnected();
    // The agent restarted: it replays everything it holds from 1 and names its new epoch.
    for (const m of [line(1), line(2), live('new', 3)]) assert.equal(cursor.see(m), true);
    cursor.disconnected();
    assert.deepEqual(cursor.request(), { from: 3, epoch: 'new' });
  });

  it('never passes a live line it already had', () => {
    const cursor = new LogCursor(10, true);
    cursor.see(live('e1', 5));
    assert.equal(cursor.see(line(5)), true);
    assert.equal(cursor.see(line(5)), false);
    assert.equal(cursor.see(line(4)), false);
    assert.equal(cursor.see(line(6)), true);
  });

  it('moves past a gap and asks without following when not following', () => {
    const cursor = new LogCursor(3, false);
    assert.deepEqual(cursor.request(), { tail: 3, follow: false });
    cursor.see({ kind: 'gap', from: 10, to: 19 });
    assert.deepEqual(cursor.request(), { from: 20, follow: false });
  });
});

describe('log output', () => {
  it('prints a line as its time and text, or as one JSON object', () => {
    assert.equal(formatLogLine(line(3, 'I: ready'), 'text'), '2026-01-02T03:04:05.678Z I: ready\n');
    assert.deepEqual(JSON.parse(formatLogLine(line(3, 'I: ready'), 'json')!), {
      seq: 3,
      time: '2026-01-02T03:04:05.678Z',
      level: 'info',
      text: 'I: ready',
    });
    assert.equal(formatLogLine(live('e', 1), 'text'), undefined);
  });

  it('counts the lines of a gap', () => {
    const gap = { kind: 'gap', from: 10, to: 19 } as const;
    assert.match(gapNotice(gap), /^10 log lines dropped \(10–19\)/);
    assert.match(gapNotice({ from: 4, to: 4 }), /^1 log line dropped/);
    assert.deepEqual(JSON.parse(formatLogLine(gap, 'json')!), { gap: { from: 10, to: 19, dropped: 10 } });
    assert.equal(formatLogLine(gap, 'text'), undefined, 'text mode says it on stderr');
  });
});
