// Attach to the sample firmware running under QEMU through the stdio adapter, as VS Code would, and debug it.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  attachArgs,
  buildAdapter,
  buildFirmware,
  EventQueue,
  lineOf,
  sampleProject,
  SimDevice,
  startClient,
  stopClient,
} from './harness';

const sensorC = join(sampleProject, 'src', 'sensor.c');
const reportLine = lineOf(sensorC, 'LOG_I("reading #%lu');

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

  async function stopAtReport(): Promise<DebugProtocol.StackFrame[]> {
    const bp = await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line: reportLine }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    await dc.configurationDoneRequest();
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'breakpoint');
    return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  }

  async function variablesOf(
    ref: number,
    extra: Partial<DebugProtocol.VariablesArguments> = {},
  ): Promise<DebugProtocol.Variable[]> {
    return (await dc.variablesRequest({ variablesReference: ref, ...extra })).body.variables;
  }

  it('hits a breakpoint in the firmware and shows stack, locals, a struct, an array, registers, memory and disassembly', async () => {
    const frames = await stopAtReport();
    assert.deepEqual(
      frames.slice(0, 3).map((f) => f.name),
      ['report', 'sensor_step', 'main'],
    );
    assert.equal(frames[0].line, reportLine);
    assert.equal(frames[0].source?.path, sensorC);

    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    assert.deepEqual(
      scopes.map((s) => s.name),
      ['Locals', 'Statics', 'Registers'],
    );
    const locals = await variablesOf(scopes[0].variablesReference);
    const rd = locals.find((v) => v.name === 'rd');
    assert.equal(rd?.type, 'struct sensor_reading');
    const fields = await variablesOf(rd?.variablesReference ?? 0);
    assert.deepEqual(
      fields.map((f) => f.name),
      ['seq', 't_ms', 'centi_c', 'over_threshold'],
    );
    const seq = Number(fields[0].value);
    // -Og keeps now_ms in a register only until its last use: the editor must say so rather than show junk.
    assert.equal(locals.find((v) => v.name === 'now_ms')?.value, '<optimized out>');
    assert.ok(seq >= 1, `reading number ${seq}`);

    const statics = await variablesOf(scopes[1].variablesReference);
    const sensor = statics.find((v) => v.name === 'g_sensor');
    const ring = (await variablesOf(sensor?.variablesReference ?? 0)).find((v) => v.name === 'ring');
    const items = (await variablesOf(ring?.variablesReference ?? 0)).find((v) => v.name === 'items');
    assert.equal(items?.indexedVariables, 16);
    const page = await variablesOf(items?.variablesReference ?? 0, { filter: 'indexed', start: 0, count: 2 });
    assert.deepEqual(
      page.map((v) => v.name),
      ['[0]', '[1]'],
    );
    const first = await variablesOf(page[0].variablesReference);
    assert.equal(first.find((f) => f.name === 'seq')?.value, '1');

    const regs = await variablesOf(scopes[2].variablesReference);
    const names = regs.map((r) => r.name);
    for (const r of ['r0', 'r12', 'sp', 'lr', 'pc', 'xpsr', 'msp', 'psp', 'primask', 'basepri', 'faultmask', 'control'])
      assert.ok(names.includes(r), r);
    assert.equal(regs.find((r) => r.name === 'pc')?.value, frames[0].instructionPointerReference);

    const sensorAddr = (await dc.evaluateRequest({ expression: '&g_sensor', frameId: frames[0].id, context: 'watch' }))
      .body.memoryReference;
    assert.ok(sensorAddr, 'a pointer has a memory reference');
    const mem = await dc.customRequest('readMemory', { memoryReference: sensorAddr, offset: 12, count: 4 });
    assert.equal(Buffer.from(mem.body.data, 'base64').readUInt32LE(0), seq, 'g_sensor.seq read from memory');

    const dis = await dc.customRequest('disassemble', {
      memoryReference: frames[0].instructionPointerReference,
      instructionOffset: -4,
      instructionCount: 10,
    });
    const insns = dis.body.instructions as DebugProtocol.DisassembledInstruction[];
    assert.equal(insns.length, 10);
    assert.equal(insns[4].address, frames[0].instructionPointerReference);
    assert.match(insns[4].symbol ?? '', /^report\+\d+$/);
    assert.equal(insns[4].line, reportLine);
  });

  it('steps over, into and out of functions', async () => {
    await stopAtReport();
    // Over the logging call: still in report(), on a later line.
    await dc.nextRequest({ threadId: 1 });
    assert.equal((await stops.next()).body.reason, 'step');
    let frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].name, 'report');
    assert.ok((frames[0].line ?? 0) > reportLine);
    // Out of report() back into sensor_step().
    await dc.stepOutRequest({ threadId: 1 });
    assert.equal((await stops.next()).body.reason, 'step');
    frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].name, 'sensor_step');
    // Into a function call: one instruction at a time until the frame count grows.
    const depth = frames.length;
    for (let i = 0; i < 200 && frames.length <= depth; i++) {
      await dc.stepInRequest({ threadId: 1, granularity: 'instruction' });
      await stops.next();
      frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    }
    assert.ok(frames.length > depth, 'stepped into a callee');
  });

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

  it('evaluates expressions and passes -exec / > lines to GDB', async () => {
    const frames = await stopAtReport();
    const e = await dc.evaluateRequest({
      expression: 'rd.seq == g_sensor.seq',
      frameId: frames[0].id,
      context: 'watch',
    });
    assert.equal(e.body.result, '1');
    const hover = await dc.evaluateRequest({ expression: 'g_interval_ms', frameId: frames[0].id, context: 'hover' });
    assert.equal(hover.body.result, '1000');
    const raw = await dc.evaluateRequest({ expression: '-exec info symbol $pc', context: 'repl' });
    assert.match(raw.body.result, /^report \+ \d+ in section \.text/);
    const raw2 = await dc.evaluateRequest({ expression: '> print/x 255', context: 'repl' });
    assert.equal(raw2.body.result, '$1 = 0xff');
    await assert.rejects(
      dc.evaluateRequest({ expression: 'no_such_symbol', frameId: frames[0].id, context: 'watch' }),
      /No symbol "no_such_symbol"/,
    );
  });

  it('sets a variable and the firmware acts on it', async () => {
    const frames = await stopAtReport();
    const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const statics = scopes[1].variablesReference;
    assert.equal((await variablesOf(statics)).find((v) => v.name === 'g_threshold')?.value, '2800');
    const set = await dc.setVariableRequest({ variablesReference: statics, name: 'g_threshold', value: '-4000' });
    assert.equal(set.body.value, '-4000');
    await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [] });
    const from = dev.lines.length;
    await dc.continueRequest({ threadId: 1 });
    assert.match(await dev.waitFor(/^W: temperature .* above threshold -40\.00/, 15_000, from), /above threshold/);
  });

  it('pauses a running device and continues it', async () => {
    await dc.configurationDoneRequest();
    await dev.waitFor(/reading #/);
    // Continue on a running device is a no-op, not an error.
    assert.equal((await dc.continueRequest({ threadId: 1 })).success, true);
    await dc.pauseRequest({ threadId: 1 });
    assert.equal((await stops.next()).body.reason, 'pause');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[frames.length - 1].name, 'main');
    await dc.continueRequest({ threadId: 1 });
    const from = dev.lines.length;
    await dev.waitFor(/reading #/, 15_000, from);
  });

  it('sets a breakpoint while the device runs (halts, inserts, resumes) and hits it', async () => {
    await dc.configurationDoneRequest();
    await dev.waitFor(/reading #/);
    const bp = await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line: reportLine }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [bp.body.breakpoints[0].id]);
  });

  it('fires a data breakpoint (hardware watchpoint) and refuses more than the core has', async () => {
    await dc.configurationDoneRequest();
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'g_sensor.seq' });
    assert.equal(info.body.dataId, 'g_sensor.seq');
    const set = await dc.customRequest('setDataBreakpoints', {
      breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.match(stop.body.description ?? '', /^g_sensor\.seq = \d+ \(was \d+\)$/);
    const five = ['g_sensor.seq', 'g_sensor.state', 'g_interval_ms', 'g_threshold', 'g_busy'].map((dataId) => ({
      dataId,
    }));
    const limited = await dc.customRequest('setDataBreakpoints', { breakpoints: five });
    const verified = limited.body.breakpoints.map((b: DebugProtocol.Breakpoint) => b.verified);
    assert.deepEqual(verified, [true, true, true, true, false]);
    assert.match(
      limited.body.breakpoints[4].message,
      /4 hardware watchpoints \(DWT comparators\) and 5 are set: remove 1/,
    );
  });

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

  it('disconnects and the device keeps running', async () => {
    await dc.configurationDoneRequest();
    const said = await outputs.next();
    assert.match(said.body.output, /the target was halted for \d+ ms/);
    await dc.disconnectRequest({});
    const from = dev.lines.length;
    await dev.waitFor(/reading #/, 15_000, from);
    await dev.waitFor(/reading #/, 15_000, dev.lines.length);
  });
});
