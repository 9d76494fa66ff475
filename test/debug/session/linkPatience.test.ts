// The debug path's waits from the measured round trip: today's values on a local stub, longer on a slow link, capped.
import { strict as assert } from 'node:assert';
import {
  describePatience,
  linkPatience,
  LOCAL_PATIENCE,
  remoteTimeoutAdvice,
} from '../../../src/debug/session/linkPatience';

describe('linkPatience', () => {
  it('keeps today’s values for a local stub (no round trip measured, or a zero one)', () => {
    for (const rtt of [undefined, 0, -5, NaN]) {
      assert.deepEqual(linkPatience(rtt), {
        rttMs: undefined,
        remoteTimeoutS: 10,
        commandMs: 10_000,
        connectMs: 30_000,
        haltMs: 10_000,
        loadMs: 300_000,
      });
    }
  });

  it('hardly changes on a fast link (loopback through the relay: a few ms)', () => {
    const p = linkPatience(3);
    assert.equal(p.remoteTimeoutS, LOCAL_PATIENCE.remoteTimeoutS + 1); // 10.12 s per command, in whole seconds
    assert.ok(p.commandMs >= 10_000 && p.commandMs < 10_500, `${p.commandMs}`);
  });

  it('gives a 1 s round-trip link time for the ~35 round trips of a connect and a lossy packet', () => {
    const p = linkPatience(1000);
    assert.equal(p.rttMs, 1000);
    // The connect's RSP handshake and first frame: about 35 packets, each one round trip.
    assert.ok(p.connectMs >= 35 * 1000 * 2, `connect ${p.connectMs} ms`);
    // A step's stop analysis or a page of variables: up to ~20 packets in one MI command.
    assert.ok(p.commandMs >= 20 * 1000 * 2, `command ${p.commandMs} ms`);
    assert.ok(p.haltMs >= p.commandMs);
    // GDB waits for one reply as long as the adapter waits for a command: a reply late by TCP retransmissions on a
    // lossy link is never resent by GDB (a resent packet's second reply puts GDB out of step with the stub).
    assert.equal(p.remoteTimeoutS, Math.ceil(p.commandMs / 1000));
    assert.equal(p.loadMs, 30 * p.commandMs);
  });

  it('grows with the round trip', () => {
    const [a, b, c] = [150, 600, 2000].map((rtt) => linkPatience(rtt));
    for (const key of ['remoteTimeoutS', 'commandMs', 'connectMs', 'haltMs', 'loadMs'] as const) {
      assert.ok(a[key] <= b[key] && b[key] < c[key], key);
    }
  });

  it('stops growing at a ceiling, so a dead link is reported within minutes', () => {
    const p = linkPatience(60_000);
    assert.ok(p.commandMs <= 5 * 60_000);
    assert.ok(p.remoteTimeoutS <= 300);
    assert.deepEqual(linkPatience(600_000), p);
  });

  it('never goes below a configured per-command timeout (launch.json gdbTimeoutMs)', () => {
    assert.equal(linkPatience(undefined, 2000).commandMs, 2000);
    assert.equal(linkPatience(undefined, 2000).connectMs, 6000);
    assert.ok(linkPatience(1000, 2000).commandMs > 2000);
    assert.equal(linkPatience(1000, 600_000).commandMs, 600_000);
  });

  it('says what it chose in one line', () => {
    assert.equal(
      describePatience(linkPatience(1000)),
      `link round trip 1000 ms: GDB remotetimeout 50 s, per command 50 s, connect 150 s, halt 50 s, load 1500 s`,
    );
    assert.match(describePatience(linkPatience(undefined)), /^no link round trip measured: GDB remotetimeout 10 s/);
  });

  it('advises a GDB of its own (outpost tunnel) the remotetimeout the session would set, only on a slow link', () => {
    assert.equal(remoteTimeoutAdvice(3), undefined, 'loopback');
    assert.equal(remoteTimeoutAdvice(20), undefined, 'a LAN');
    assert.equal(remoteTimeoutAdvice(150), linkPatience(150).remoteTimeoutS);
    assert.equal(remoteTimeoutAdvice(1000), 50);
  });
});
