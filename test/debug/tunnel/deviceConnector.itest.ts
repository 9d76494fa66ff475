// The debugger's device connector and the GDB tunnel over a real relay: bytes through E2E rsp channels, refusals.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect } from '../../../src/link/connect';
import type { Connection } from '../../../src/link/connection';
import type { OperatorClient } from '../../../src/link/operatorClient';
import { silentLogger } from '../../../src/common/log';
import { DebugError, ErrorCode } from '../../../src/debug/errors';
import { deviceConnector, type ChannelOpener } from '../../../src/debug/tunnel/deviceConnector';
import { openRspTunnel } from '../../../src/debug/tunnel/rspTunnel';
import { startRelayFixture, type RelayFixture } from '../../helpers/relayFixture';

// Connects to the tunnel and sends one RSP packet; resolves with what comes back. The echoing fake stub also echoes
// the tunnel's ack of its answer to the accelerator's offer (an extra `+`, which GDB skips): acks are collapsed.
async function roundTrip(port: number, packet: string): Promise<{ reply: string; socket: Socket }> {
  const socket = tcpConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(packet);
  const [reply] = (await once(socket, 'data')) as [Buffer];
  return { reply: reply.toString().replace(/^\++/, '+'), socket };
}

describe('device connector and GDB tunnel (real relay)', () => {
  let fx: RelayFixture;
  let operator: OperatorClient;
  let device: Connection;
  let opener: ChannelOpener;
  const seen: string[] = [];

  before(async () => {
    fx = await startRelayFixture();
    const deviceKey = await fx.addDevice('stub-01');
    device = await connect(fx.url, deviceKey, { keepaliveSec: 0 });
    // The device answers every rsp channel like a GDB stub that echoes, and notes whether it is encrypted.
    device.acceptChannels((incoming) => {
      seen.push(`${incoming.kind}:${incoming.encrypted ? 'e2e' : 'plain'}`);
      const ch = incoming.accept();
      ch.on('data', (d: Buffer) => ch.write(Buffer.concat([Buffer.from('+'), d])));
      ch.on('error', () => undefined);
    });
    operator = await fx.operator(await fx.addOperator('ana', 'debugger'));
    opener = {
      relay: fx.url,
      openChannel: (d, kind) => operator.openChannel(d, kind),
      boardOf: () => 'stm32u5-sim',
    };
  });
  after(async () => {
    device.close();
    await fx.close();
  });

  it('carries each GDB connection over its own end-to-end encrypted rsp channel', async () => {
    seen.length = 0;
    const tunnel = await openRspTunnel({ open: () => opener.openChannel('stub-01', 'rsp'), log: silentLogger });
    try {
      const first = await roundTrip(tunnel.port, '$qSupported#37');
      assert.equal(first.reply, '+$qSupported#37');
      first.socket.destroy();
      const second = await roundTrip(tunnel.port, '$g#67');
      assert.equal(second.reply, '+$g#67');
      second.socket.destroy();
      assert.deepEqual(seen, ['rsp:e2e', 'rsp:e2e']);
    } finally {
      await tunnel.close();
    }
  });

  it('gives the debugger a local endpoint for a device, QEMU-kind for the simulator, closed on dispose', async () => {
    const lines: string[] = [];
    const connector = deviceConnector(async () => opener, silentLogger);
    const endpoint = await connector.open(
      { device: 'stub-01' },
      { log: (l) => lines.push(l), signal: new AbortController().signal, trace: false },
    );
    assert.equal(endpoint.kind, 'qemu');
    assert.equal(endpoint.description, `device stub-01 via ${fx.url}`);
    assert.match(lines.join('\n'), /debugging stub-01 through/);
    const { reply, socket } = await roundTrip(endpoint.port, '$?#3f');
    assert.equal(reply, '+$?#3f');
    const closed = once(socket, 'close');
    await endpoint.dispose();
    await closed;
    await assert.rejects(roundTrip(endpoint.port, '$?#3f'), /ECONNREFUSED/);
  });

  it('says why when the device cannot be reached, before GDB starts', async () => {
    await fx.addDevice('offline-01');
    const connector = deviceConnector(async () => opener, silentLogger);
    await assert.rejects(
      connector.open(
        { device: 'offline-01' },
        { log: () => undefined, signal: new AbortController().signal, trace: false },
      ),
      (err: unknown) => {
        assert.ok(err instanceof DebugError);
        assert.equal(err.code, ErrorCode.DeviceOffline);
        assert.match(
          err.message,
          /^device "offline-01" is offline: its agent is not connected to ws:\/\/127\.0\.0\.1:\d+/,
        );
        return true;
      },
    );
  });
});
