// Attach to a fleet device by name through the stdio adapter's own relay link: adapter process → operator link → real
// relay → agent → QEMU running the sample firmware; what the firmware does is read back through its logs channel.
import { strict as assert } from 'node:assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildAdapter, buildFirmware, EventQueue, startClient, stopClient } from './harness';
import { RemoteFleet, type RemoteDevice } from './remoteFleet';
import {
  evaluates,
  firesWatchpoint,
  inspectsAtBreakpoint,
  pausesAndContinues,
  resumesAfterAttachAndRunsOnAfterDisconnect,
  setsVariableAndFirmwareActs,
  showsAndSetsSystemRegisters,
  stepsOverOutAndIn,
  type Scenario,
} from './scenarios';

describe('debug adapter: attach to a fleet device through the relay (agent, QEMU, gdb-multiarch)', function () {
  this.timeout(120_000);
  let adapter: string;
  let elf: string;
  let fleet: RemoteFleet;
  let operatorKey: string;
  let device: RemoteDevice;
  let dc: DebugClient;
  let scenario: Scenario;

  before(async () => {
    [adapter, { elf }, fleet] = await Promise.all([buildAdapter(), buildFirmware(), RemoteFleet.inProcess()]);
    operatorKey = await fleet.operatorKey('ana', 'debugger');
  });

  after(async () => {
    await fleet?.close();
  });

  /** A fresh device and adapter per test; `settings` says how the adapter learns the relay and key. */
  async function attach(title: string, settings: 'launch.json' | 'environment'): Promise<void> {
    device = await fleet.startDevice('sensor-01', elf);
    const env = settings === 'environment' ? { OUTPOST_RELAY: fleet.url, OUTPOST_KEY: operatorKey } : {};
    const c = await startClient(adapter, title, { env });
    dc = c.dc;
    scenario = {
      dc,
      stops: c.stops,
      outputs: new EventQueue<DebugProtocol.OutputEvent>(dc, 'output'),
      device: device.log,
    };
    const args: Record<string, unknown> = { device: device.name, executable: elf, traceFile: c.logFile + '.mi' };
    if (settings === 'launch.json') Object.assign(args, { relay: fleet.url, identityFile: operatorKey });
    await dc.initializeRequest();
    await Promise.all([dc.waitForEvent('initialized'), dc.attachRequest(args as DebugProtocol.AttachRequestArguments)]);
  }

  beforeEach(async function () {
    const title = this.currentTest?.fullTitle() ?? 'remote attach';
    await attach(title, /OUTPOST_RELAY/.test(title) ? 'environment' : 'launch.json');
  });

  afterEach(async () => {
    await stopClient(dc);
    await device.stop();
  });

  it('hits a breakpoint and shows stack, locals, a struct, an array, registers, memory and disassembly', () =>
    inspectsAtBreakpoint(scenario));

  it('steps over, out of and into functions', () => stepsOverOutAndIn(scenario));

  it('evaluates expressions and passes -exec / > lines to GDB', () => evaluates(scenario));

  it('sets a variable and the firmware acts on it (its log says so)', () => setsVariableAndFirmwareActs(scenario));

  it('pauses the running device and continues it', () => pausesAndContinues(scenario));

  it('shows MSP, PSP, PRIMASK, BASEPRI, FAULTMASK and CONTROL, and FAULTMASK set from the editor masks the SysTick', () =>
    showsAndSetsSystemRegisters(scenario));

  it('fires a watchpoint', () => firesWatchpoint(scenario));

  it('holds one operator link and one rsp channel for the session and closes both with it', async () => {
    // Besides the session: the fleet's admin, which reads the device's logs.
    assert.deepEqual(await fleet.links(), { operators: 2, rspChannels: 1 });
    await dc.configurationDoneRequest();
    await dc.disconnectRequest({});
    for (let i = 0; i < 50 && (await fleet.links()).operators !== 1; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await fleet.links(), { operators: 1, rspChannels: 0 });
  });

  it('with only "device" in launch.json (relay and key from OUTPOST_RELAY / OUTPOST_KEY): the device resumes after the attach and runs on after disconnect', () =>
    resumesAfterAttachAndRunsOnAfterDisconnect(scenario));
});
