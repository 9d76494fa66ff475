// The device keepalive header: its bounds, its default when absent, and the relay's silence limit.
import assert from 'node:assert/strict';
import { CloseCode } from '../../src/protocol/closeCodes';
import {
  DEFAULT_KEEPALIVE_SEC,
  deviceSilenceLimitMs,
  isKeepaliveSec,
  MAX_KEEPALIVE_SEC,
  MIN_KEEPALIVE_SEC,
  parseKeepaliveHeader,
} from '../../src/protocol/keepalive';

describe('device keepalive header', () => {
  it('defaults to 600 s when a device declares none', () => {
    assert.deepEqual(parseKeepaliveHeader(undefined), { ok: true, value: 600 });
    assert.equal(DEFAULT_KEEPALIVE_SEC, 600);
  });

  it('accepts whole seconds from 5 to 3600', () => {
    assert.deepEqual(parseKeepaliveHeader('5'), { ok: true, value: MIN_KEEPALIVE_SEC });
    assert.deepEqual(parseKeepaliveHeader('30'), { ok: true, value: 30 });
    assert.deepEqual(parseKeepaliveHeader('3600'), { ok: true, value: MAX_KEEPALIVE_SEC });
    assert.ok(isKeepaliveSec(600) && !isKeepaliveSec(4) && !isKeepaliveSec(3601) && !isKeepaliveSec(30.5));
  });

  it('refuses anything else with PROTOCOL_ERROR and a line naming the rule', () => {
    for (const bad of ['4', '3601', '0', '-30', '30.5', ' 30', '30s', '', '1e3', '000000030', ['30', '60']]) {
      const r = parseKeepaliveHeader(bad);
      assert.ok(!r.ok, String(bad));
      assert.equal(r.code, CloseCode.PROTOCOL_ERROR);
      assert.equal(r.reason, 'x-outpost-keepalive: whole seconds from 5 to 3600');
    }
  });

  it('lets a device stay silent for two of its intervals plus the grace', () => {
    assert.equal(deviceSilenceLimitMs(30, 30_000), 90_000);
    assert.equal(deviceSilenceLimitMs(600, 30_000), 1_230_000);
  });
});
