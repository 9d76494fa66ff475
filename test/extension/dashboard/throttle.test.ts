// The dashboard's update throttle: at once after a quiet spell, then at most once per interval, never losing the last.
import assert from 'node:assert/strict';
import { Throttle, type ThrottleClock } from '../../../src/extension/dashboard/throttle';

function fakeClock(): ThrottleClock & { advance(ms: number): void; pending(): number } {
  let now = 1_000;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++next;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (h) => {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
    pending: () => timers.length,
  };
}

describe('dashboard update throttle', () => {
  it('runs at once when quiet, coalesces a burst into one trailing run, and runs again after the interval', () => {
    const clock = fakeClock();
    let runs = 0;
    const t = new Throttle(() => runs++, 500, clock);
    t.schedule();
    assert.equal(runs, 1);
    for (let i = 0; i < 50; i++) {
      clock.advance(5);
      t.schedule();
    }
    assert.equal(runs, 1, 'a burst within the interval waits');
    clock.advance(250);
    assert.equal(runs, 2, 'the burst ends in exactly one run');
    clock.advance(2000);
    t.schedule();
    assert.equal(runs, 3);
  });

  it('runs nothing after dispose, even what was already waiting', () => {
    const clock = fakeClock();
    let runs = 0;
    const t = new Throttle(() => runs++, 500, clock);
    t.schedule();
    t.schedule();
    t.dispose();
    assert.equal(clock.pending(), 0);
    clock.advance(1000);
    t.schedule();
    assert.equal(runs, 1);
  });
});
