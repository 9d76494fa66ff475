// "Debug remote" end to end, as the extension runs it: the inline debug session reaches a device in the fleet
// through the extension's device connector, a real relay, a real agent and QEMU running the sample firmware.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Agent } from '../../src/agent/agent';
import { createTarget } from '../../src/agent/targets';
import { SIM_BOARD } from '../../src/agent/targets/sim';
import type { Target } from '../../src/agent/target';
import { silentLogger } from '../../src/common/log';
import { OutpostDebugSession } from '../../src/debug/session/outpostSession';
import { directConnector } from '../../src/debug/stub/directConnector';
import { deviceConnector, type ChannelOpener } from '../../src/debug/tunnel/deviceConnector';
import { buildFirmware, EventQueue, lineOf, sampleProject } from '../debug/harness';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';

const sensorC = join(sampleProject, 'src', 'sensor.c');
const reportLine = lineOf(sensorC, 'LOG_I("reading #%lu');

describe('remote debugging through the relay (extension device connector, agent, QEMU, gdb-multiarch)', function () {
  this.timeout(120_000);
  let fx: RelayFixture;
  let target: Target;
  let agent: Agent;
  let server: Server;
  let dc: DebugClient;
  let elf: string;

  before(async () => {
    ({ elf } = await buildFirmware());
    fx = await startRelayFixture();
    const deviceKey = await fx.addDevice('sensor-01');
    // The device as `outpost sim` runs it: the agent supervises QEMU running the sample firmware.
    target = createTarget('sim', { firmware: elf, logger: silentLogger });
    agent = new Agent({ relay: fx.url, identity: deviceKey, target, log: silentLogger });
    await agent.start();
    await agent.whenConnected();
    const operator = await fx.operator(await fx.addOperator('ana', 'debugger'));
    const opener: ChannelOpener = {
      relay: fx.url,
      openChannel: (device, kind) => operator.openChannel(device, kind),
      boardOf: () => SIM_BOARD,
    };
    // The adapter runs in this process, as DebugAdapterInlineImplementation runs it in the extension host.
    server = createServer((socket) => {
      const session = new OutpostDebugSession({
        connectors: { gdbTarget: directConnector, device: deviceConnector(async () => opener, silentLogger) },
      });
      // Server mode: ending the session must not end this process (in VS Code it runs inline, which also keeps it).
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dc = new DebugClient('node', '', 'outpost');
    await dc.start((server.address() as AddressInfo).port);
  });

  after(async () => {
    await dc?.stop();
    server?.close();
    await agent?.stop();
    await target?.stop();
    await fx?.close();
  });

  it('hits a breakpoint on the device, shows where, and leaves it running after disconnect', async () => {
    const stops = new EventQueue<DebugProtocol.StoppedEvent>(dc, 'stopped');
    await dc.initializeRequest();
    await Promise.all([
      dc.waitForEvent('initialized'),
      dc.attachRequest({ device: 'sensor-01', executable: elf } as DebugProtocol.AttachRequestArguments),
    ]);
    const bp = await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line: reportLine }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    await dc.configurationDoneRequest();
    const stop = await stops.next(30_000);
    assert.equal(stop.body.reason, 'breakpoint');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.deepEqual(
      frames.slice(0, 2).map((f) => f.name),
      ['report', 'sensor_step'],
    );
    assert.equal(frames[0].line, reportLine);

    await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [] });
    await dc.disconnectRequest({});
    // The firmware goes on taking readings: a new one shows on its UART.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reading on the UART after the disconnect')), 15_000);
      const onLine = (line: string): void => {
        if (!/reading #/.test(line)) return;
        clearTimeout(timer);
        target.uart?.off('line', onLine);
        resolve();
      };
      target.uart?.on('line', onLine);
    });
  });
});
