// "Open GDB Tunnel" on a simulated device through a real relay: the device runs on until GDB connects, gdb-multiarch
// debugs through the port with monitor commands answered for QEMU, and a second GDB is told why it is turned away.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimDevice, type SimDevice } from '../../src/agent/device';
import { SIM_BOARD } from '../../src/agent/targets';
import { createLogger, silentLogger } from '../../src/common/log';
import type { ChannelOpener } from '../../src/debug/tunnel/deviceConnector';
import { BUSY_REASON } from '../../src/debug/tunnel/rspTunnel';
import { execOnDevice } from '../../src/extension/deviceExec';
import { DeviceTunnels } from '../../src/extension/deviceTunnels';
import { runGdb } from '../agent/helpers/gdb';
import { buildFirmware } from '../debug/harness';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';

describe('Open GDB Tunnel (real relay, agent, QEMU sim, gdb-multiarch)', function () {
  this.timeout(120_000);
  let fx: RelayFixture;
  let device: SimDevice;
  let opener: ChannelOpener;
  let elf: string;
  let stateDir: string;
  const logLines: string[] = [];
  const tunnels = new DeviceTunnels(createLogger('tunnel', (line) => logLines.push(line)));

  before(async () => {
    ({ elf } = await buildFirmware());
    fx = await startRelayFixture();
    stateDir = mkdtempSync(join(tmpdir(), 'outpost-ext-tunnel-'));
    const identity = await fx.addDevice('sensor-01');
    device = await startSimDevice({
      relay: fx.url,
      identity,
      firmware: elf,
      stateDir,
      trustedSigners: [],
      log: silentLogger,
    });
    await device.whenConnected();
    const operator = await fx.operator(await fx.addOperator('ana', 'debugger'));
    opener = { relay: fx.url, openChannel: (d, k) => operator.openChannel(d, k), boardOf: () => SIM_BOARD };
  });

  after(async () => {
    await tunnels.closeAll();
    await device?.stop();
    await fx?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const uptimeMs = async (): Promise<number> => {
    const reply = await execOnDevice(opener, 'sensor-01', 'get uptime_ms');
    assert.equal(reply.exitCode, 0, reply.output);
    return Number(/uptime_ms\s*=?\s*(\d+)/.exec(reply.output)?.[1]);
  };

  it('opens a port and leaves the device running until a GDB connects', async () => {
    const tunnel = await tunnels.open(opener, 'sensor-01');
    assert.equal(tunnel.host, '127.0.0.1');
    assert.ok(tunnel.port > 0);
    assert.equal(await tunnels.open(opener, 'sensor-01'), tunnel, 'one tunnel per device');
    const first = await uptimeMs();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok((await uptimeMs()) > first, 'the firmware keeps counting its uptime');
  });

  it('lets gdb-multiarch debug through it, answers monitor reset halt for QEMU, and the device runs on after detach', async () => {
    const { port } = await tunnels.open(opener, 'sensor-01');
    const out = await runGdb(elf, port, [
      'monitor reset halt',
      'maintenance flush register-cache', // the reset happened behind GDB's back
      'info symbol $pc',
      'detach',
    ]);
    assert.doesNotMatch(out, /unknown command|Protocol error/i, out);
    assert.match(out, /^Reset_Handler in section \.text$/m, out);
    assert.equal((await execOnDevice(opener, 'sensor-01', 'version')).exitCode, 0);
  });

  it('turns a second GDB away with the reason while one is attached, and logs it', async () => {
    const { port } = await tunnels.open(opener, 'sensor-01');
    const attached = await connected(port);
    try {
      const second = await connected(port);
      second.write('$qSupported#37');
      const reply = await new Promise<string>((resolve) => {
        let text = '';
        second.on('data', (d: Buffer) => (text += d.toString('latin1')));
        second.once('close', () => resolve(text));
      });
      assert.match(reply, /\$E\.another GDB client is attached/);
      assert.ok(logLines.some((l) => l.includes('refused a GDB connection') && l.includes(BUSY_REASON)));
    } finally {
      attached.destroy();
    }
  });
});

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}
