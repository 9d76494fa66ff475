// The one line a debug session ends with when the relay will not give it a channel to the device.
import assert from 'node:assert/strict';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { deviceChannelError } from '../../../src/debug/tunnel/deviceErrors';
import { RelayError } from '../../../src/link/errors';
import { CloseCode } from '../../../src/protocol/closeCodes';

const relay = 'wss://relay.example';

describe('device channel refusals as debugger errors', () => {
  it('names an unknown device and where to look', () => {
    const e = deviceChannelError(RelayError.fromClose(CloseCode.DEVICE_UNKNOWN), 'sensor-09', relay);
    assert.equal(e.code, ErrorCode.DeviceUnknown);
    assert.equal(
      e.message,
      'no device named "sensor-09" on wss://relay.example: check "device" in launch.json (outpost devices lists the fleet)',
    );
  });

  it('says an offline device is offline', () => {
    const e = deviceChannelError(RelayError.fromClose(CloseCode.DEVICE_OFFLINE), 'sensor-01', relay);
    assert.equal(e.code, ErrorCode.DeviceOffline);
    assert.match(e.message, /^device "sensor-01" is offline: its agent is not connected to wss:\/\/relay\.example; /);
  });

  it('tells a viewer which roles may debug', () => {
    const e = deviceChannelError(RelayError.fromClose(CloseCode.FORBIDDEN), 'sensor-01', relay);
    assert.equal(e.code, ErrorCode.NotAllowed);
    assert.match(e.message, /does not let this operator debug devices: it needs the admin or debugger role/);
  });

  it("passes on the device's own reason for refusing", () => {
    const refused = RelayError.fromClose(CloseCode.CHANNEL_REFUSED, 'a debug session by bob is already open');
    const e = deviceChannelError(refused, 'sensor-01', relay);
    assert.equal(e.code, ErrorCode.DeviceRefused);
    assert.equal(e.message, 'device "sensor-01" refused the debug channel: a debug session by bob is already open');
  });

  it('keeps anything else as unreachable, with its message', () => {
    const e = deviceChannelError(new Error('socket hang up'), 'sensor-01', relay);
    assert.equal(e.code, ErrorCode.StubUnreachable);
    assert.equal(e.message, 'cannot open a debug channel to sensor-01 via wss://relay.example: socket hang up');
    const same = new DebugError(ErrorCode.BadArguments, 'x');
    assert.equal(deviceChannelError(same, 'd', relay), same);
  });
});
