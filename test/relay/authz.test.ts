// Unit tests of the relay's authorisation: which role may call which method and open which channel.
import assert from 'node:assert/strict';
import { mayCallMethod, refuseOpen, type Principal } from '../../src/relay/authz';
import { CloseCode } from '../../src/protocol/closeCodes';

const op = (role: 'admin' | 'deployer' | 'debugger' | 'viewer'): Principal => ({ kind: 'operator', name: role, role });
const device: Principal = { kind: 'device', name: 'pump-1' };

describe('relay authorisation', () => {
  it('lets each role open exactly the channel kinds of the contract', () => {
    const allowed = (p: Principal) =>
      (['rsp', 'console', 'logs', 'ota'] as const).filter((k) => refuseOpen(p, k, 'online') === undefined);
    assert.deepEqual(allowed(op('viewer')), ['logs']);
    assert.deepEqual(allowed(op('debugger')), ['rsp', 'console', 'logs']);
    assert.deepEqual(allowed(op('deployer')), ['logs', 'ota']);
    assert.deepEqual(allowed(op('admin')), ['rsp', 'console', 'logs', 'ota']);
  });

  it('never lets a device open a channel', () => {
    assert.equal(refuseOpen(device, 'logs', 'online'), CloseCode.FORBIDDEN);
  });

  it('checks the role before telling whether a device exists', () => {
    assert.equal(refuseOpen(op('viewer'), 'rsp', 'unknown'), CloseCode.FORBIDDEN);
    assert.equal(refuseOpen(op('debugger'), 'rsp', 'unknown'), CloseCode.DEVICE_UNKNOWN);
    assert.equal(refuseOpen(op('debugger'), 'rsp', 'offline'), CloseCode.DEVICE_OFFLINE);
  });

  it('keeps registry changes for admins and lets every operator read the fleet', () => {
    for (const role of ['deployer', 'debugger', 'viewer'] as const) {
      assert.equal(mayCallMethod(op(role), 'devices.add'), false, role);
      assert.equal(mayCallMethod(op(role), 'enroll.create'), false, role);
      assert.equal(mayCallMethod(op(role), 'devices.list'), true, role);
      assert.equal(mayCallMethod(op(role), 'fleet.subscribe'), true, role);
    }
    assert.equal(mayCallMethod(op('admin'), 'operators.add'), true);
  });

  it('lets devices call whoami and the rotation of their own key only', () => {
    assert.equal(mayCallMethod(device, 'whoami'), true);
    assert.equal(mayCallMethod(device, 'devices.rotateKey'), true);
    assert.equal(mayCallMethod(device, 'devices.list'), false);
    assert.equal(mayCallMethod(device, 'operators.setRole', ['admin']), false);
    for (const role of ['admin', 'deployer', 'debugger', 'viewer'] as const)
      assert.equal(mayCallMethod(op(role), 'devices.rotateKey'), false, role);
  });

  it('authorises methods outside the contract by the roles their handler names', () => {
    assert.equal(mayCallMethod(op('admin'), 'operators.remove', ['admin']), true);
    assert.equal(mayCallMethod(op('viewer'), 'operators.remove', ['admin']), false);
    assert.equal(mayCallMethod(op('admin'), 'no.such.method'), false);
  });
});
