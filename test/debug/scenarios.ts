// Debugging scenarios shared by the direct (QEMU's stub) and remote (relay tunnel) tests: one scenario, two connectors.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { lineOf, sampleProject, type EventQueue } from './harness';

export const sensorC = join(sampleProject, 'src', 'sensor.c');
export const reportLine = lineOf(sensorC, 'LOG_I("reading #%lu');

/** What the firmware prints, as the test can see it (QEMU's UART directly, or the device's logs channel). */
export interface DeviceLines {
  readonly lines: readonly string[];
  /** The first line matching `re` from line index `fromLine` on (default: printed after the call). */
  waitFor(re: RegExp, timeoutMs?: number, fromLine?: number): Promise<string>;
}

/** A DAP client attached (configuration not done yet) to a device running the sample firmware. */
export interface Scenario {
  dc: DebugClient;
  stops: EventQueue<DebugProtocol.StoppedEvent>;
  outputs: EventQueue<DebugProtocol.OutputEvent>;
  device: DeviceLines;
}

/** Sets a breakpoint on the reading report, finishes configuration and returns the stack at the hit. */
export async function stopAtReport({ dc, stops }: Scenario): Promise<DebugProtocol.StackFrame[]> {
  const bp = await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line: reportLine }] });
  assert.equal(bp.body.breakpoints[0].verified, true);
  await dc.configurationDoneRequest();
  const stop = await stops.next(30_000);
  assert.equal(stop.body.reason, 'breakpoint');
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

async function variablesOf(
  dc: DebugClient,
  ref: number,
  extra: Partial<DebugProtocol.VariablesArguments> = {},
): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref, ...extra })).body.variables;
}

/** At a breakpoint: stack, locals, a struct, an array page, registers, memory and disassembly as the editor shows them. */
export async function inspectsAtBreakpoint(s: Scenario): Promise<void> {
  const { dc } = s;
  const frames = await stopAtReport(s);
  assert.deepEqual(
    frames.slice(0, 3).map((f) => f.name),
    ['report', 'sensor_step', 'main'],
  );
  assert.equal(frames[0].line, reportLine);
  assert.equal(frames[0].source?.path, sensorC);
  // The Call Stack shows the file's name, not the absolute path the firmware was compiled with.
  assert.equal(frames[0].source?.name, 'sensor.c');

  const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
  assert.deepEqual(
    scopes.map((x) => x.name),
    ['Locals', 'Statics', 'Registers'],
  );
  const locals = await variablesOf(dc, scopes[0].variablesReference);
  const rd = locals.find((v) => v.name === 'rd');
  assert.equal(rd?.type, 'struct sensor_reading');
  const fields = await variablesOf(dc, rd?.variablesReference ?? 0);
  assert.deepEqual(
    fields.map((f) => f.name),
    ['seq', 't_ms', 'centi_c', 'over_threshold'],
  );
  const seq = Number(fields[0].value);
  // -Og keeps now_ms in a register only until its last use: the editor must say so rather than show junk.
  assert.equal(locals.find((v) => v.name === 'now_ms')?.value, '<optimized out>');
  assert.ok(seq >= 1, `reading number ${seq}`);

  const statics = await variablesOf(dc, scopes[1].variablesReference);
  const sensor = statics.find((v) => v.name === 'g_sensor');
  const ring = (await variablesOf(dc, sensor?.variablesReference ?? 0)).find((v) => v.name === 'ring');
  const items = (await variablesOf(dc, ring?.variablesReference ?? 0)).find((v) => v.name === 'items');
  assert.equal(items?.indexedVariables, 16);
  const page = await variablesOf(dc, items?.variablesReference ?? 0, { filter: 'indexed', start: 0, count: 2 });
  assert.deepEqual(
    page.map((v) => v.name),
    ['[0]', '[1]'],
  );
  const first = await variablesOf(dc, page[0].variablesReference);
  assert.equal(first.find((f) => f.name === 'seq')?.value, '1');

  const regs = await variablesOf(dc, scopes[2].variablesReference);
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
}

/** Step over the logging call, out of report(), then into a callee one instruction at a time. */
export async function stepsOverOutAndIn(s: Scenario): Promise<void> {
  const { dc, stops } = s;
  await stopAtReport(s);
  await dc.nextRequest({ threadId: 1 });
  assert.equal((await stops.next()).body.reason, 'step');
  let frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(frames[0].name, 'report');
  assert.ok((frames[0].line ?? 0) > reportLine);
  await dc.stepOutRequest({ threadId: 1 });
  assert.equal((await stops.next()).body.reason, 'step');
  frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(frames[0].name, 'sensor_step');
  const depth = frames.length;
  for (let i = 0; i < 200 && frames.length <= depth; i++) {
    await dc.stepInRequest({ threadId: 1, granularity: 'instruction' });
    await stops.next();
    frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  }
  assert.ok(frames.length > depth, 'stepped into a callee');
}

/** Watch and hover expressions, `-exec` / `>` lines to GDB, and an unknown symbol as an error. */
export async function evaluates(s: Scenario): Promise<void> {
  const { dc } = s;
  const frames = await stopAtReport(s);
  const e = await dc.evaluateRequest({ expression: 'rd.seq == g_sensor.seq', frameId: frames[0].id, context: 'watch' });
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
  // The mouse resting on a type name in the editor: the hover shows nothing, and no error pops up.
  const hoverOnType = await wholeResponse(dc, 'evaluate', {
    expression: 'sensor',
    frameId: frames[0].id,
    context: 'hover',
  });
  assert.equal(hoverOnType.success, false);
  assert.equal((hoverOnType as DebugProtocol.ErrorResponse).body.error?.showUser, false);
}

/** A request's response as the editor gets it, errors included (DebugClient keeps only a failure's message). */
function wholeResponse(dc: DebugClient, command: string, args: object): Promise<DebugProtocol.Response> {
  const client = dc as unknown as { doSend(c: string, a: object, done: (r: DebugProtocol.Response) => void): void };
  return new Promise((resolve) => client.doSend(command, args, resolve));
}

/** Lowers the alarm threshold at a breakpoint; once continued, the firmware logs readings above it. */
export async function setsVariableAndFirmwareActs(s: Scenario): Promise<void> {
  const { dc, device } = s;
  const frames = await stopAtReport(s);
  const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
  const statics = scopes[1].variablesReference;
  assert.equal((await variablesOf(dc, statics)).find((v) => v.name === 'g_threshold')?.value, '2800');
  const set = await dc.setVariableRequest({ variablesReference: statics, name: 'g_threshold', value: '-4000' });
  assert.equal(set.body.value, '-4000');
  await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [] });
  const from = device.lines.length;
  await dc.continueRequest({ threadId: 1 });
  assert.match(await device.waitFor(/^W: temperature .* above threshold -40\.00/, 15_000, from), /above threshold/);
}

/** Pauses the running firmware inside main's loop and lets it run on. */
export async function pausesAndContinues(s: Scenario): Promise<void> {
  const { dc, stops, device } = s;
  await dc.configurationDoneRequest();
  await device.waitFor(/reading #/);
  // Continue on a running device is a no-op, not an error.
  assert.equal((await dc.continueRequest({ threadId: 1 })).success, true);
  await dc.pauseRequest({ threadId: 1 });
  assert.equal((await stops.next()).body.reason, 'pause');
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(frames[frames.length - 1].name, 'main');
  await dc.continueRequest({ threadId: 1 });
  await device.waitFor(/reading #/, 15_000, device.lines.length);
}

/** A write watchpoint on the reading counter fires; a fifth one is refused (the core has 4 comparators). */
export async function firesWatchpoint(s: Scenario): Promise<void> {
  const { dc, stops } = s;
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
}

/**
 * The attach halted the device only until configuration was done (the console says for how long), then it ran:
 * a new reading follows that line. Then a disconnect leaves it running.
 */
export async function resumesAfterAttachAndRunsOnAfterDisconnect(s: Scenario): Promise<void> {
  const { dc, outputs, device } = s;
  await dc.configurationDoneRequest();
  let said = '';
  while (!/the target was halted for \d+ ms/.test(said)) said = (await outputs.next()).body.output;
  await device.waitFor(/reading #/, 15_000, device.lines.length);
  await dc.disconnectRequest({});
  const from = device.lines.length;
  await device.waitFor(/reading #/, 15_000, from);
  await device.waitFor(/reading #/, 15_000, device.lines.length);
}

/** Launches `launchArgs` (a build of version `version`): it is flashed, the core resets and stops at main, then boots. */
export async function launchFlashesAndStopsAtMain(
  s: Scenario,
  launchArgs: Record<string, unknown>,
  version: string,
): Promise<void> {
  const { dc, stops, device } = s;
  await dc.initializeRequest();
  await Promise.all([
    dc.waitForEvent('initialized'),
    dc.launchRequest(launchArgs as DebugProtocol.LaunchRequestArguments),
  ]);
  await dc.configurationDoneRequest();
  const stop = await stops.next(30_000);
  assert.equal(stop.body.reason, 'entry');
  assert.equal(stop.body.description, 'stopped at main');
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(frames[0].name, 'main');
  const from = device.lines.length;
  await dc.continueRequest({ threadId: 1 });
  const escaped = version.replace(/\./g, '\\.');
  await device.waitFor(new RegExp(`boot: u5-sensor ${escaped} `), 15_000, from);
}

/**
 * MSP … CONTROL at a breakpoint (the agent runs them through the core on QEMU, whose stub leaves them out): MSP is
 * SP in thread mode, and FAULTMASK set from the Registers view stops the SysTick-driven readings until it is cleared
 * (PRIMASK would not hold: the firmware's console ring re-enables interrupts with `cpsie i`).
 */
export async function showsAndSetsSystemRegisters(s: Scenario): Promise<void> {
  const { dc, stops, device } = s;
  const frames = await stopAtReport(s);
  const registersRef = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes[2].variablesReference;
  const value = (regs: DebugProtocol.Variable[], name: string): string | undefined =>
    regs.find((r) => r.name === name)?.value;
  const regs = await variablesOf(dc, registersRef);
  assert.equal(value(regs, 'msp'), value(regs, 'sp'), 'thread mode on the main stack: MSP is SP');
  assert.match(value(regs, 'psp') ?? '', /^0x[0-9a-f]+$/);
  for (const r of ['primask', 'basepri', 'faultmask', 'control']) assert.equal(value(regs, r), '0x0', r);
  const set = await dc.setVariableRequest({ variablesReference: registersRef, name: 'faultmask', value: '1' });
  assert.equal(set.body.value, '0x1');

  await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [] });
  const from = device.lines.length;
  await dc.continueRequest({ threadId: 1 });
  // Readings come once a second; with interrupts masked only the one held at the breakpoint may come in three.
  await new Promise((r) => setTimeout(r, 3_000));
  const readings = device.lines.slice(from).filter((l) => /reading #/.test(l));
  assert.ok(readings.length <= 1, `no SysTick, no readings; got ${readings.join(' | ')}`);
  await dc.pauseRequest({ threadId: 1 });
  assert.equal((await stops.next()).body.reason, 'pause');
  const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  const paused = (await dc.scopesRequest({ frameId: top.id })).body.scopes[2].variablesReference;
  assert.equal(value(await variablesOf(dc, paused), 'faultmask'), '0x1', 'FAULTMASK read back from the core');
  await dc.setVariableRequest({ variablesReference: paused, name: 'faultmask', value: '0' });
  await dc.continueRequest({ threadId: 1 });
  await device.waitFor(/reading #/, 15_000);
}
