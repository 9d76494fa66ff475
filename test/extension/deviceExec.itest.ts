// Console commands from the extension (Reboot Device) on the simulated device through a real relay and agent.
import assert from 'node:assert/strict';
import { Agent } from '../../src/agent/agent';
import { createTarget } from '../../src/agent/targets';
import { serveUart } from '../../src/agent/uartServices';
import type { Target } from '../../src/agent/target';
import { silentLogger } from '../../src/common/log';
import type { ChannelOpener } from '../../src/debug/tunnel/deviceConnector';
import { execOnDevice } from '../../src/extension/deviceExec';
import { buildFirmware } from '../debug/harness';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';

describe('console commands on a device (real relay, agent, QEMU sim)', function () {
  this.timeout(120_000);
  let fx: RelayFixture;
  let target: Target;
  let agent: Agent;
  let opener: ChannelOpener;

  before(async () => {
    const { elf } = await buildFirmware();
    fx = await startRelayFixture();
    const deviceKey = await fx.addDevice('sensor-01');
    target = createTarget('sim', { firmware: elf, logger: silentLogger });
    agent = new Agent({ relay: fx.url, identity: deviceKey, target, log: silentLogger });
    serveUart(agent, target);
    await agent.start();
    await agent.whenConnected();
    const operator = await fx.operator(await fx.addOperator('ana', 'debugger'));
    opener = { relay: fx.url, openChannel: (d, k) => operator.openChannel(d, k), boardOf: () => undefined };
  });

  after(async () => {
    await agent?.stop();
    await target?.stop();
    await fx?.close();
  });

  const uptimeMs = async (): Promise<number> => {
    const reply = await execOnDevice(opener, 'sensor-01', 'get uptime_ms');
    assert.equal(reply.exitCode, 0, reply.output);
    const m = /uptime_ms\s*=?\s*(\d+)/.exec(reply.output);
    assert.ok(m, `uptime in ${JSON.stringify(reply.output)}`);
    return Number(m[1]);
  };

  it('runs a command in the firmware and returns its output', async () => {
    const reply = await execOnDevice(opener, 'sensor-01', 'version');
    assert.equal(reply.exitCode, 0);
    assert.match(reply.output, /^version \d+\.\d+\.\d+$/m);
  });

  it('reboots the device: the firmware answers, resets, and its uptime starts over', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const before = await uptimeMs();
    const reply = await execOnDevice(opener, 'sensor-01', 'reboot');
    assert.equal(reply.exitCode, 0);
    assert.match(reply.output, /rebooting/);
    let after = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 20 && !(after < before); i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await uptimeMs().catch(() => Number.POSITIVE_INFINITY);
    }
    assert.ok(after < before, `uptime ${after} ms after the reboot, ${before} ms before`);
  });

  it('reports a command the firmware does not know with its exit code', async () => {
    const reply = await execOnDevice(opener, 'sensor-01', 'frobnicate');
    assert.notEqual(reply.exitCode, 0);
  });
});
