// The relay's refusals of a device command's channel, said about the device.
import assert from 'node:assert/strict';
import { RelayError } from '../../src/link/errors';
import { CloseCode } from '../../src/protocol/closeCodes';
import { deviceChannelError, DeviceUnavailable, fleetProblem } from '../../src/extension/deviceErrors';

describe('device command errors', () => {
  it('names the offline device and when to try again', () => {
    const err = deviceChannelError(RelayError.fromClose(CloseCode.DEVICE_OFFLINE), 'sensor-02', 'console');
    assert.ok(err instanceof DeviceUnavailable);
    assert.equal(err.problem, 'offline');
    assert.equal(
      err.message,
      'sensor-02 is offline: its agent is not connected to the relay. Try again once the Fleet view shows it online.',
    );
  });

  it('names a device the relay does not know', () => {
    const err = deviceChannelError(RelayError.fromClose(CloseCode.DEVICE_UNKNOWN), 'sensor-9', 'logs');
    assert.ok(err instanceof DeviceUnavailable);
    assert.equal(err.message, 'the relay has no device named "sensor-9".');
  });

  it("gives the device's own reason for refusing a channel", () => {
    const refused = RelayError.fromClose(CloseCode.CHANNEL_REFUSED, 'no UART configured');
    const err = deviceChannelError(refused, 'gw-1', 'console');
    assert.ok(err instanceof DeviceUnavailable);
    assert.equal(err.message, 'gw-1 refused the console channel: no UART configured');
  });

  it('leaves other failures as they are', () => {
    const lost = new RelayError('CONNECTION_LOST', 'connection to the relay lost');
    assert.equal(deviceChannelError(lost, 'sensor-01', 'console'), lost);
  });

  it('says the same of a device the Fleet view lists as offline or does not list, and nothing of an online one', () => {
    const offline = fleetProblem('sensor-02', { online: false });
    assert.ok(offline instanceof DeviceUnavailable);
    assert.equal(offline.problem, 'offline');
    assert.match(offline.message, /^sensor-02 is offline: /);
    assert.equal(fleetProblem('sensor-9', undefined)?.message, 'the relay has no device named "sensor-9".');
    assert.equal(fleetProblem('sensor-01', { online: true }), undefined);
  });
});
