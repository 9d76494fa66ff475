// Choosing how to reach the stub: gdbTarget goes direct, device needs the injected tunnel, anything else is one error.
import { strict as assert } from 'node:assert';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { resetCommandsFor } from '../../../src/debug/stub/resetCommands';
import { directConnector } from '../../../src/debug/stub/directConnector';
import {
  openStub,
  parseHostPort,
  type DeviceStubRequest,
  type StubConnectors,
} from '../../../src/debug/stub/stubConnector';

const context = { log: () => undefined, signal: new AbortController().signal, trace: false };

describe('openStub', () => {
  it('hands gdbTarget to the direct connector with the stub kind', async () => {
    const ep = await openStub(
      { gdbTarget: '127.0.0.1:3333', stubKind: 'qemu' },
      { gdbTarget: directConnector },
      context,
    );
    assert.deepEqual([ep.host, ep.port, ep.kind, ep.description], ['127.0.0.1', 3333, 'qemu', '127.0.0.1:3333']);
    const v6 = await openStub({ gdbTarget: '[::1]:2331' }, { gdbTarget: directConnector }, context);
    assert.deepEqual([v6.host, v6.port, v6.kind, v6.description], ['::1', 2331, 'generic', '[::1]:2331']);
  });

  it('hands device to the injected tunnel connector with relay and identity', async () => {
    const seen: DeviceStubRequest[] = [];
    const connectors: StubConnectors = {
      gdbTarget: directConnector,
      device: {
        open: (req) => {
          seen.push(req);
          return Promise.resolve({
            host: '127.0.0.1',
            port: 40000,
            kind: 'qemu',
            description: 'device d1',
            dispose: () => Promise.resolve(),
          });
        },
      },
    };
    const args = { device: 'd1', relay: 'ws://r', identityFile: '/k', executable: '/fw.elf' };
    const ep = await openStub(args, connectors, context);
    assert.equal(ep.port, 40000);
    assert.deepEqual(seen, [{ device: 'd1', relay: 'ws://r', identityFile: '/k', kind: undefined, elf: '/fw.elf' }]);
  });

  it('fails with one clear message for a device when no tunnel is plugged in', async () => {
    await assert.rejects(openStub({ device: 'd1' }, { gdbTarget: directConnector }, context), (e: DebugError) => {
      return (
        e.code === ErrorCode.DeviceNeedsTunnel &&
        /cannot reach device "d1"/.test(e.message) &&
        /gdbTarget/.test(e.message)
      );
    });
  });

  it('needs exactly one of device and gdbTarget', async () => {
    await assert.rejects(
      openStub({}, { gdbTarget: directConnector }, context),
      (e: DebugError) => e.code === ErrorCode.NoTarget,
    );
    await assert.rejects(
      openStub({ device: 'a', gdbTarget: 'h:1' }, { gdbTarget: directConnector }, context),
      (e: DebugError) => e.code === ErrorCode.BadArguments,
    );
  });

  it('parses HOST:PORT and rejects anything else', () => {
    assert.deepEqual(parseHostPort(' localhost:3333 '), { host: 'localhost', port: 3333 });
    for (const bad of ['3333', 'host:', 'host:0', 'host:70000', 'a b:1', '::1:3333'])
      assert.throws(() => parseHostPort(bad), DebugError, bad);
  });
});

describe('resetCommandsFor', () => {
  const none = (): undefined => undefined;
  it('resets OpenOCD with reset halt; launch.json overrides; generic has none', () => {
    assert.deepEqual(resetCommandsFor('openocd', undefined, none), ['monitor reset halt']);
    assert.deepEqual(resetCommandsFor('generic', ['monitor reset init'], none), ['monitor reset init']);
    assert.equal(resetCommandsFor('generic', undefined, none), undefined);
  });

  it('resets a QEMU core from the vector table of the ELF (SP, PC, Thumb, VTOR)', () => {
    const bytes = new Uint8Array(64);
    const v = new DataView(bytes.buffer);
    v.setUint32(16, 0x38200000, true);
    v.setUint32(20, 0x10001499, true);
    const elf = {
      bytes,
      entry: 0x10001498,
      sections: [{ index: 1, name: '.vectors', type: 1, flags: 2, address: 0x10000000, offset: 16, size: 0x180 }],
      segments: [],
      symbols: [],
      buildId: undefined,
    };
    assert.deepEqual(
      resetCommandsFor('qemu', undefined, () => elf),
      [
        'set $sp = 0x38200000',
        'set $pc = 0x10001498',
        'set $xpsr = 0x01000000',
        'set *(unsigned int *)0xe000ed08 = 0x10000000',
        'set *(unsigned int *)0xe000e010 = 0',
      ],
    );
    assert.equal(
      resetCommandsFor('qemu', undefined, () => ({ ...elf, entry: 0x20000000 })),
      undefined,
    );
  });
});
