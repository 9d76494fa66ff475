// Attach to the sample firmware running under QEMU through the stdio adapter, as VS Code would, and debug it.
import { strict as assert } from 'node:assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { attachArgs, buildAdapter, buildFirmware, EventQueue, SimDevice, startClient, stopClient } from './harness';
import {
  evaluates,
  firesWatchpoint,
  inspectsAtBreakpoint,
  pausesAndContinues,
  reportLine,
  resumesAfterAttachAndRunsOnAfterDisconnect,
  sensorC,
  setsVariableAndFirmwareActs,
  stepsOverOutAndIn,
  type Scenario,
} from './scenarios';

describe('debug adapter: attach to a running device (QEMU, gdb-multiarch)', function () {
  this.timeout(90_000);
  let adapter: string;
  let elf: string;
  let dev: SimDevice;
  let dc: DebugClient;
  let stops: EventQueue<DebugProtocol.StoppedEvent>;
  let outputs: EventQueue<DebugProtocol.OutputEvent>;

  before(async () => {
    [adapter, { elf }] = await Promise.all([buildAdapter(), buildFirmware()]);
  });

  beforeEach(async function () {
    dev = await SimDevice.start(elf);
    const c = await startClient(adapter, this.currentTest?.fullTitle() ?? 'attach');
    dc = c.dc;
    stops = c.stops;
    outputs = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await dc.initializeRequest();
    await Promise.all([
      dc.waitForEvent('initialized'),
      dc.attachRequest(attachArgs(dev, elf, c.logFile) as DebugProtocol.AttachRequestArguments),
    ]);
  });

  afterEach(async () => {
    await stopClient(dc);
    await dev.stop();
  });

  const scenario = (): Scenario => ({ dc, stops, outputs, device: dev });

  it('hits a breakpoint in the firmware and shows stack, locals, a struct, an array, registers, memory and disassembly', () =>
    inspectsAtBreakpoint(scenario()));

  it('steps over, into and out of functions', () => stepsOverOutAndIn(scenario()));

  it('shows an inlined function as its own frame', async () => {
    const bp = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'millis' }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    await dc.configurationDoneRequest();
    let frames: DebugProtocol.StackFrame[] = [];
    for (let i = 0; i < 5 && !frames[0]?.name.endsWith('[inlined]'); i++) {
      if (i > 0) await dc.continueRequest({ threadId: 1 });
      assert.equal((await stops.next()).body.reason, 'function breakpoint');
      frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    }
    assert.equal(frames[0].name, 'millis [inlined]');
    assert.equal(frames[1].name, 'main');
    assert.equal(frames[1].instructionPointerReference, frames[0].instructionPointerReference);
  });

  it('stops on an instruction breakpoint', async () => {
    const addr = await dc.evaluateRequest({ expression: '(unsigned int)&sensor_step', context: 'watch' });
    const ref = '0x' + Number(addr.body.result).toString(16);
    const bp = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: ref }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    await dc.configurationDoneRequest();
    assert.equal((await stops.next()).body.reason, 'instruction breakpoint');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].instructionPointerReference, ref);
    assert.equal(frames[0].name, 'sensor_step');
  });

  it('evaluates expressions and passes -exec / > lines to GDB', () => evaluates(scenario()));

  it('sets a variable and the firmware acts on it', () => setsVariableAndFirmwareActs(scenario()));

  it('pauses a running device and continues it', () => pausesAndContinues(scenario()));

  it('sets a breakpoint while the device runs (halts, inserts, resumes) and hits it', async () => {
    await dc.configurationDoneRequest();
    await dev.waitFor(/reading #/);
    const bp = await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line: reportLine }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [bp.body.breakpoints[0].id]);
  });

  it('fires a data breakpoint (hardware watchpoint) and refuses more than the core has', () =>
    firesWatchpoint(scenario()));

  it('prints logpoints without stopping and honours hit counts', async () => {
    const bp = await dc.setBreakpointsRequest({
      source: { path: sensorC },
      breakpoints: [{ line: reportLine, logMessage: 'logpoint seq={rd.seq} temp={rd.centi_c}' }],
    });
    assert.equal(bp.body.breakpoints[0].verified, true);
    await dc.configurationDoneRequest();
    let line: DebugProtocol.OutputEvent | undefined;
    while (!line) {
      const o = await outputs.next();
      if (o.body.output.startsWith('logpoint')) line = o;
    }
    assert.match(line.body.output, /^logpoint seq=\d+ temp=\d+\n$/);
    assert.equal(stops.pending, 0, 'a logpoint never stops');
    await dc.setBreakpointsRequest({
      source: { path: sensorC },
      breakpoints: [{ line: reportLine, hitCondition: '% 2' }],
    });
    const seqAtStop = async (): Promise<number> => {
      await stops.next();
      const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
      return Number(
        (await dc.evaluateRequest({ expression: 'rd.seq', frameId: frames[0].id, context: 'watch' })).body.result,
      );
    };
    const a = await seqAtStop();
    await dc.continueRequest({ threadId: 1 });
    const b = await seqAtStop();
    assert.equal(b - a, 2, 'every second reading stops');
  });

  it('stops on a HardFault and explains it in plain words', async () => {
    await dc.configurationDoneRequest();
    dev.type('fault bus');
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.text, 'HardFault');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'HardFault');
    assert.match(info.body.description ?? '', /bus error/i);
    assert.match(info.body.details?.stackTrace ?? '', /BusFault: .*bus error/);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.ok(
      frames.some((f) => f.name === '[exception entry]'),
      'the exception entry frame is shown',
    );
    assert.ok(
      frames.some((f) => f.name === 'fault_trigger'),
      'the faulting function is on the stack',
    );
  });

  it('resumes the device after attaching and leaves it running after disconnect', () =>
    resumesAfterAttachAndRunsOnAfterDisconnect(scenario()));
});
