// The relay tunnel (with its RSP accelerator) shows exactly what GDB talking to the stub directly shows: two QEMUs
// run the same sample firmware in lockstep (halted at reset, instruction-counted time), one debugged through its stub,
// one through relay → `outpost agent --target gdb://…`; after every request the editor's view of both must match
// (the tunnel also shows MSP … CONTROL, which the agent adds to QEMU's description: those must have values there).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { writeIdentityFile } from '../../../src/common/identityFile';
import { accelEnabled } from '../../../src/protocol/rspAccel';
import { startOutpost, type OutpostProcess } from '../../helpers/outpostCli';
import { startRelayFixture, type RelayFixture } from '../../helpers/relayFixture';
import { buildAdapter, buildFirmware, lineOf, resultsDir, startClient, stopClient, type EventQueue } from '../harness';
import { sensorC, reportLine } from '../scenarios';
import { asDirectShowsIt, expand, memoryHex, takeSnapshot, watch, type StopSnapshot } from './dapSnapshot';
import { startHaltedQemu, type HaltedQemu } from './haltedQemu';
import { describeDifference, firstDifference } from './snapshotDiff';

const measureLine = lineOf(sensorC, '(void)measure(s);');
/** sum_readings: a call to sensor_reading_at, then the recursive call. */
const readingAtLine = lineOf(sensorC, 'const struct sensor_reading *rd = sensor_reading_at(s, age);');
const recurseLine = lineOf(sensorC, 'return rd->centi_c + sum_readings(s, age + 1u, n - 1u);');
/** measure(): calls process_samples, which loops g_busy times. */
const busyLine = lineOf(sensorC, 'if (g_busy > 0) (void)process_samples((uint32_t)g_busy);');

/** One way of debugging the firmware: a DAP client on its own adapter process. */
interface Path {
  readonly name: 'direct' | 'tunnel';
  dc: DebugClient;
  stops: EventQueue<DebugProtocol.StoppedEvent>;
}

describe('RSP through the relay tunnel shows what the direct stub shows (registers, memory, variables)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'outpost-equivalence-'));
  const qemus: HaltedQemu[] = [];
  let fx: RelayFixture;
  let agent: OutpostProcess | undefined;
  let paths: Path[] = [];
  let step = 0;

  before(async () => {
    const [adapter, { elf }, relay] = await Promise.all([buildAdapter(), buildFirmware(), startRelayFixture()]);
    fx = relay;
    qemus.push(await startHaltedQemu(elf), await startHaltedQemu(elf));
    const deviceKey = join(dir, 'device.key');
    const operatorKey = join(dir, 'operator.key');
    writeIdentityFile(deviceKey, await fx.addDevice('twin'));
    writeIdentityFile(operatorKey, await fx.addOperator('eq', 'debugger'));
    agent = await startOutpost(
      [
        ...['agent', '--relay', fx.url, '--key', deviceKey, '--target', `gdb://${qemus[1].address}`],
        ...['--firmware', elf, '--board', 'stm32u5-sim', '--state', join(dir, 'agent')],
      ],
      // debug: the agent says when it ran over a call itself (the `next` tests check it did).
      { env: { OUTPOST_LOG_LEVEL: 'debug' } },
    );
    await agent.waitFor(/agent connected as twin/);

    const common = { stubKind: 'qemu', executable: elf };
    const targets = {
      direct: { gdbTarget: qemus[0].address },
      tunnel: { device: 'twin', relay: fx.url, identityFile: operatorKey },
    };
    paths = await Promise.all(
      (['direct', 'tunnel'] as const).map(async (name) => {
        const c = await startClient(adapter, `equivalence ${name}`);
        c.dc.defaultTimeout = 30_000;
        await c.dc.initializeRequest();
        const args = { ...common, ...targets[name], traceFile: c.logFile + '.mi' };
        await Promise.all([
          c.dc.waitForEvent('initialized'),
          c.dc.attachRequest(args as DebugProtocol.AttachRequestArguments),
        ]);
        return { name, dc: c.dc, stops: c.stops };
      }),
    );
  });

  after(async () => {
    await Promise.all(paths.map((p) => stopClient(p.dc)));
    await agent?.stop();
    await Promise.all(qemus.map((q) => q.stop()));
    await fx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Fails with the first item that differs between the paths' values, naming the step. */
  function same<T>(label: string, values: T[]): T {
    const d = firstDifference(values[0], values[1]);
    if (d) {
      mkdirSync(resultsDir, { recursive: true });
      paths.forEach((p, i) =>
        writeFileSync(join(resultsDir, `equivalence.${p.name}.json`), JSON.stringify(values[i], null, 2)),
      );
      assert.fail(
        `${describeDifference(label, d, ['direct', 'tunnel'])} (both: test-results/debug/equivalence.*.json)`,
      );
    }
    return values[0];
  }

  /**
   * Runs `act` on both paths; its results must match. With `stops`, both must report the same stop. Then what the
   * editor shows (stack, registers, locals, statics, stack and ring memory) must match.
   */
  async function both<T>(what: string, act: (p: Path) => Promise<T>, stops = true): Promise<StopSnapshot> {
    const label = `step ${++step} (${what})`;
    same(`${label}: the request's answer`, await Promise.all(paths.map(act)));
    if (stops) {
      const events = await Promise.all(paths.map((p) => p.stops.next(30_000)));
      same(
        `${label}: the stopped event`,
        events.map((e) => e.body),
      );
    }
    const [direct, tunnel] = await Promise.all(paths.map((p) => takeSnapshot(p.dc)));
    return same(label, [direct, asDirectShowsIt(direct, tunnel)]);
  }

  const thread = { threadId: 1 };
  const body = async (r: Promise<DebugProtocol.Response>): Promise<unknown> => (await r).body;

  it('stops at the same breakpoint and steps in, over and out alike', async () => {
    // Before configurationDone both cores sit at the reset vector: that must look the same too.
    await both(
      'set breakpoints (halted at reset)',
      (p) =>
        body(
          p.dc.setBreakpointsRequest({
            source: { path: sensorC },
            breakpoints: [{ line: measureLine }, { line: reportLine }],
          }),
        ),
      false,
    );
    const hit = await both('configurationDone → breakpoint in sensor_step', (p) =>
      body(p.dc.configurationDoneRequest()),
    );
    assert.equal(hit.frames[0].line, measureLine);
    const into = await both('stepIn', (p) => body(p.dc.stepInRequest(thread)));
    assert.equal(into.frames[0].name, 'measure');
    await both('next', (p) => body(p.dc.nextRequest(thread)));
    await both('next', (p) => body(p.dc.nextRequest(thread)));
    const out = await both('stepOut', (p) => body(p.dc.stepOutRequest(thread)));
    assert.equal(out.frames[0].name, 'sensor_step');
    // What the tunnel path carried: the accelerator unless OUTPOST_RSP_ACCEL=0 (then today's byte pipe).
    assert.equal(
      /accelerated RSP session/.test(agent?.stderr() ?? ''),
      accelEnabled(),
      'the agent log says which mode ran',
    );
  });

  it('continues to the second breakpoint and steps by instruction alike', async () => {
    const hit = await both('continue → breakpoint in report', (p) => body(p.dc.continueRequest(thread)));
    assert.equal(hit.frames[0].line, reportLine);
    await both('stepIn (into the logging call)', (p) => body(p.dc.stepInRequest(thread)));
    await both('next', (p) => body(p.dc.nextRequest(thread)));
    await both('stepOut', (p) => body(p.dc.stepOutRequest(thread)));
    for (let i = 0; i < 3; i++)
      await both('stepIn by instruction', (p) => body(p.dc.stepInRequest({ ...thread, granularity: 'instruction' })));
    for (let i = 0; i < 2; i++)
      await both('next by instruction', (p) => body(p.dc.nextRequest({ ...thread, granularity: 'instruction' })));
  });

  it('reads back what setVariable, a register write and writeMemory changed, and steps on from it', async () => {
    const written = await both(
      'setVariable g_threshold, r12 and g_sensor.ring.items[1] by writeMemory',
      async (p) => {
        const frameId = (await p.dc.stackTraceRequest(thread)).body.stackFrames[0].id;
        const [, statics, registers] = (await p.dc.scopesRequest({ frameId })).body.scopes;
        await expand(p.dc, statics.variablesReference);
        const threshold = await p.dc.setVariableRequest({
          variablesReference: statics.variablesReference,
          name: 'g_threshold',
          value: '-4000',
        });
        await expand(p.dc, registers.variablesReference);
        const r12 = await p.dc.setVariableRequest({
          variablesReference: registers.variablesReference,
          name: 'r12',
          value: '0x1234',
        });
        const item = Number(await watch(p.dc, '(unsigned)&g_sensor.ring.items[1]', frameId));
        const pattern = Buffer.from('a5a5a5a50102030405060708090a0b0c', 'hex');
        const wrote = await p.dc.customRequest('writeMemory', {
          memoryReference: '0x' + item.toString(16),
          data: pattern.toString('base64'),
        });
        const back = await memoryHex(p.dc, item, pattern.length);
        assert.equal(back, pattern.toString('hex'), `${p.name}: writeMemory read back`);
        return {
          threshold: threshold.body.value,
          r12: r12.body.value,
          wrote: (wrote.body as DebugProtocol.WriteMemoryResponse['body'])?.bytesWritten,
          seen: await watch(p.dc, 'g_threshold', frameId),
        };
      },
      false,
    );
    assert.equal(written.registers.find((r) => r.name === 'r12')?.value, '0x1234');
    await both('next', (p) => body(p.dc.nextRequest(thread)));
    await both('next', (p) => body(p.dc.nextRequest(thread)));
    await both('continue → breakpoint in sensor_step (reading 2)', (p) => body(p.dc.continueRequest(thread)));
    const report2 = await both('continue → breakpoint in report (reading 2)', (p) =>
      body(p.dc.continueRequest(thread)),
    );
    assert.equal(report2.frames[0].line, reportLine);
  });

  it('restarts (core reset) and runs to the same breakpoints again', async () => {
    const again = await both('restart → breakpoint in sensor_step', (p) => body(p.dc.restartRequest({})));
    assert.equal(again.frames[0].line, measureLine);
    await both('continue → breakpoint in report', (p) => body(p.dc.continueRequest(thread)));
    // A next that starts on a breakpoint (GDB steps off it: z0, step, Z0) over a line in several address ranges.
    const off = await both('next from the breakpoint', (p) => body(p.dc.nextRequest(thread)));
    assert.ok(off.frames[0].name === 'report' && (off.frames[0].line ?? 0) > reportLine);
    // The last lines of report, whose code is split at -Og, and the return into the middle of the caller's line.
    const out = await both('next to the end of report', (p) => body(p.dc.nextRequest(thread)));
    assert.notEqual(out.frames[0].line, off.frames[0].line);
    await both('stepIn by instruction', (p) => body(p.dc.stepInRequest({ ...thread, granularity: 'instruction' })));
  });

  const breakAt = (lines: number[]) => (p: Path) =>
    body(p.dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: lines.map((line) => ({ line })) }));
  const sumFrames = (snap: StopSnapshot): number => snap.frames.filter((f) => f.name === 'sum_readings').length;

  it('steps over calls alike: a plain call, the recursive call in sum_readings, a breakpoint inside the callee', async () => {
    await both('break in sum_readings only', breakAt([readingAtLine]), false);
    const inSum = await both('continue → sum_readings (reading 2: two readings to sum)', (p) =>
      body(p.dc.continueRequest(thread)),
    );
    assert.deepEqual([inSum.frames[0].name, inSum.frames[0].line], ['sum_readings', readingAtLine]);
    await both('no breakpoints', breakAt([]), false);
    const overCall = await both('next over the call to sensor_reading_at', (p) => body(p.dc.nextRequest(thread)));
    assert.equal(overCall.frames[0].line, readingAtLine + 1);
    const atRecursion = await both('next', (p) => body(p.dc.nextRequest(thread)));
    assert.equal(atRecursion.frames[0].line, recurseLine);
    // The deeper activation returns to the same address with a lower SP: that is not this frame's return.
    const overRecursion = await both('next over the recursive call', (p) => body(p.dc.nextRequest(thread)));
    // The line ends the function: GDB steps on out of it (the direct path decides where; the tunnel must agree).
    assert.ok(sumFrames(overRecursion) <= 1, 'not stopped in a deeper activation');
    if (accelEnabled()) assert.match(agent?.stderr() ?? '', /ran over a call next to the stub/);

    await both('break on the recursive call', breakAt([recurseLine]), false);
    const outer = await both('continue → the recursive call (reading 3)', (p) => body(p.dc.continueRequest(thread)));
    assert.equal(sumFrames(outer), 1);
    const inner = await both('next stops at the breakpoint inside the callee', (p) => body(p.dc.nextRequest(thread)));
    assert.deepEqual([inner.frames[0].name, inner.frames[0].line, sumFrames(inner)], ['sum_readings', recurseLine, 2]);
  });

  it('pauses a next over a callee that loops alike (the stop inside it, then the session goes on)', async () => {
    await both('break in measure before process_samples', breakAt([busyLine]), false);
    await both(
      'g_busy = 0x7fffffff (process_samples loops for minutes)',
      async (p) => {
        const frameId = (await p.dc.stackTraceRequest(thread)).body.stackFrames[0].id;
        const statics = (await p.dc.scopesRequest({ frameId })).body.scopes[1];
        await expand(p.dc, statics.variablesReference);
        return (
          await p.dc.setVariableRequest({
            variablesReference: statics.variablesReference,
            name: 'g_busy',
            value: '0x7fffffff',
          })
        ).body.value;
      },
      false,
    );
    const atBusy = await both('continue → measure (reading 4)', (p) => body(p.dc.continueRequest(thread)));
    assert.equal(atBusy.frames[0].line, busyLine);
    same('next over process_samples: the answer', await Promise.all(paths.map((p) => body(p.dc.nextRequest(thread)))));
    // Where in the loop each core is when the pause lands depends on wall time: compare what the editor is told.
    await new Promise((r) => setTimeout(r, 500));
    const paused = await Promise.all(
      paths.map(async (p) => {
        const [event] = await Promise.all([p.stops.next(30_000), p.dc.pauseRequest(thread)]);
        const frames = (await p.dc.stackTraceRequest(thread)).body.stackFrames.map((f) => f.name);
        return { reason: event.body.reason, frames };
      }),
    );
    same('pause during the next', paused);
    assert.deepEqual(paused[0].reason, 'pause');
    assert.deepEqual(paused[0].frames.slice(0, 2), ['process_samples', 'measure']);
  });
});
