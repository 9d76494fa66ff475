// Trial-boot health: a ready line counts even if it came before the wait started; silence times out with a reason.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { armHealthWatch, DEFAULT_READY } from '../../../src/agent/ota/healthCheck';
import type { Uart } from '../../../src/agent/target';

function uart(): Uart {
  return Object.assign(new EventEmitter(), { write: () => undefined });
}

describe('agent/ota/healthCheck', () => {
  it('matches the default pattern case-insensitively, as a word', async () => {
    const u = uart();
    const watch = armHealthWatch(u, DEFAULT_READY);
    u.emit('line', 'I: boot: u5-sensor 2.0.0 build abc');
    u.emit('line', 'I: already-ish');
    u.emit('line', 'I: u5-sensor 2.0.0 READY');
    assert.deepEqual(await watch.wait(1000), { healthy: true, line: 'I: u5-sensor 2.0.0 READY' });
    watch.dispose();
    assert.equal(u.listenerCount('line'), 0);
  });

  it('takes a line printed after the wait started', async () => {
    const u = uart();
    const watch = armHealthWatch(u, 'sensor online');
    const waiting = watch.wait(5000);
    setImmediate(() => u.emit('line', 'sensor online at 12 ms'));
    assert.equal((await waiting).healthy, true);
  });

  it('reports unhealthy with the pattern and the timeout when nothing matches', async () => {
    const u = uart();
    const watch = armHealthWatch(u, DEFAULT_READY);
    u.emit('line', 'I: started');
    const outcome = await watch.wait(1000);
    assert.deepEqual(outcome, { healthy: false, reason: 'no UART line matched /\\bready\\b/i within 1 s' });
  });
});
