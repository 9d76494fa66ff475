// Control messages: envelope classification, params and telemetry validation, OPEN payloads and the role table.
import assert from 'node:assert/strict';
import { CloseCode } from '../../src/protocol/closeCodes';
import { parseDeviceOpen, parseOpenOk, parseOperatorOpen } from '../../src/protocol/channels';
import { isMethodName, parseControlMessage, parseParams, parseTelemetry } from '../../src/protocol/control';
import { generateIdentity } from '../../src/protocol/identity';
import { mayCall, mayOpen } from '../../src/protocol/roles';

const key = generateIdentity().publicKeyText;

describe('control messages', () => {
  it('classifies requests, responses and events', () => {
    const req = parseControlMessage({ id: 1, method: 'devices.list' });
    assert.deepEqual(req, { ok: true, value: { kind: 'request', id: 1, method: 'devices.list', params: {} } });
    const res = parseControlMessage({ id: 1, result: [] });
    assert.deepEqual(res, { ok: true, value: { kind: 'response', id: 1, result: [] } });
    const e = parseControlMessage({ id: 2, error: { code: 'NOT_FOUND', message: 'no such device' } });
    assert.ok(e.ok && e.value.kind === 'response' && 'error' in e.value && e.value.error.code === 'NOT_FOUND');
    const ev = parseControlMessage({ event: 'telemetry', data: { uptime: 3 } });
    assert.deepEqual(ev, { ok: true, value: { kind: 'event', event: 'telemetry', data: { uptime: 3 } } });
  });

  it('rejects malformed envelopes with PROTOCOL_ERROR', () => {
    for (const bad of [
      null,
      [],
      'x',
      {},
      { id: -1, method: 'whoami' },
      { id: 1.5, method: 'whoami' },
      { id: 1, method: 7 },
      { id: 1, method: 'whoami', params: [] },
      { id: 1, error: 'nope' },
      { id: 1 },
      { event: '' },
    ]) {
      const r = parseControlMessage(bad);
      assert.ok(!r.ok && r.code === CloseCode.PROTOCOL_ERROR, JSON.stringify(bad));
    }
  });

  it('knows the contract methods and nothing else', () => {
    assert.ok(isMethodName('enroll.create'));
    assert.ok(!isMethodName('devices.drop'));
  });

  it('validates params of admin methods', () => {
    assert.deepEqual(parseParams('devices.add', { name: 'dev-1', publicKey: key }), {
      ok: true,
      value: { name: 'dev-1', publicKey: key, tags: {} },
    });
    for (const p of [
      { name: '-x', publicKey: key },
      { name: 'a b', publicKey: key },
      { name: 'dev', publicKey: key.slice(1) },
      { name: 'dev', publicKey: key, tags: { k: 1 } },
    ])
      assert.equal(parseParams('devices.add', p).ok, false, JSON.stringify(p));
    assert.equal(parseParams('operators.add', { name: 'ci', publicKey: key, role: 'root' }).ok, false);
    assert.ok(parseParams('operators.add', { name: 'ci', publicKey: key, role: 'deployer' }).ok);
    assert.deepEqual(parseParams('enroll.create', {}), { ok: true, value: { tags: {}, uses: 1, ttlSeconds: 3600 } });
    assert.equal(parseParams('enroll.create', { uses: 0 }).ok, false);
    assert.equal(parseParams('enroll.create', { ttlSeconds: 'soon' }).ok, false);
  });

  it('validates telemetry', () => {
    assert.deepEqual(parseTelemetry({ uptime: 10, rssi: -71, firmwareVersion: '1.2.0', board: null }), {
      ok: true,
      value: { uptime: 10, rssi: -71, firmwareVersion: '1.2.0' },
    });
    for (const bad of [{}, { uptime: -1 }, { uptime: 1, rssi: 5 }, { uptime: 1, buildId: 'x'.repeat(129) }, []])
      assert.equal(parseTelemetry(bad).ok, false, JSON.stringify(bad));
  });
});

describe('OPEN payloads', () => {
  it('validates an operator OPEN', () => {
    assert.deepEqual(parseOperatorOpen({ kind: 'rsp', device: 'dev-1', e2e: { x25519: 'a' } }), {
      ok: true,
      value: { kind: 'rsp', device: 'dev-1', e2e: { x25519: 'a' } },
    });
    for (const bad of [{ kind: 'shell', device: 'd' }, { kind: 'rsp' }, { kind: 'rsp', device: 'd', e2e: 'x' }, 5])
      assert.equal(parseOperatorOpen(bad).ok, false, JSON.stringify(bad));
  });

  it('validates the OPEN a device receives', () => {
    assert.ok(parseDeviceOpen({ kind: 'logs', operator: 'alice', operatorKey: key }).ok);
    assert.equal(parseDeviceOpen({ kind: 'logs', operator: 'alice', operatorKey: 'nope' }).ok, false);
    assert.deepEqual(parseOpenOk({}), { ok: true, value: {} });
    assert.equal(parseOpenOk([]).ok, false);
  });
});

describe('roles', () => {
  it('authorises channels per the contract', () => {
    assert.ok(mayOpen('viewer', 'logs'));
    assert.ok(!mayOpen('viewer', 'rsp'));
    assert.ok(!mayOpen('viewer', 'console'));
    assert.ok(mayOpen('debugger', 'rsp') && mayOpen('debugger', 'console') && !mayOpen('debugger', 'ota'));
    assert.ok(mayOpen('deployer', 'ota') && mayOpen('deployer', 'logs') && !mayOpen('deployer', 'rsp'));
    assert.ok(mayOpen('admin', 'rsp') && mayOpen('admin', 'ota'));
  });

  it('authorises methods per the contract', () => {
    assert.ok(mayCall('viewer', 'devices.list') && mayCall('viewer', 'fleet.subscribe') && mayCall('viewer', 'whoami'));
    assert.ok(!mayCall('deployer', 'devices.add') && !mayCall('debugger', 'enroll.create'));
    assert.ok(mayCall('admin', 'operators.add'));
    assert.ok(mayCall('viewer', 'devices.get'));
    assert.ok(!mayCall('deployer', 'operators.remove') && mayCall('admin', 'operators.remove'));
    assert.ok(!mayCall('debugger', 'audit.list') && mayCall('admin', 'audit.list'));
  });

  it('validates devices.get, devices.list paging, operators.remove and audit.list params', () => {
    assert.deepEqual(parseParams('devices.get', { name: 'pump-7' }), { ok: true, value: { name: 'pump-7' } });
    assert.ok(!parseParams('devices.get', {}).ok);
    assert.deepEqual(parseParams('devices.list', {}), { ok: true, value: {} });
    assert.deepEqual(parseParams('devices.list', { offset: 40, limit: 40 }), {
      ok: true,
      value: { offset: 40, limit: 40 },
    });
    assert.ok(!parseParams('devices.list', { offset: -1 }).ok);
    assert.ok(!parseParams('devices.list', { limit: 0 }).ok);
    assert.ok(!parseParams('operators.remove', { name: 'no spaces' }).ok);
    assert.deepEqual(parseParams('audit.list', {}), { ok: true, value: { limit: 50 } });
    assert.deepEqual(parseParams('audit.list', { device: 'pump-7', limit: 5 }), {
      ok: true,
      value: { device: 'pump-7', limit: 5 },
    });
    assert.ok(!parseParams('audit.list', { limit: 101 }).ok);
    assert.ok(!parseParams('audit.list', { device: '../x' }).ok);
    for (const m of ['devices.get', 'operators.remove', 'audit.list']) assert.ok(isMethodName(m), m);
  });
});
