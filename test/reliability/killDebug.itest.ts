// kill -9 of the relay, the agent, QEMU or the operator's gdb while a debug session attaches or while a `next` is
// outstanding: the session ends with one clear message, the device is not left halted, the relay store stays sound.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildFirmware, resultsDir } from '../debug/harness';
import { isAlive, waitUntilGone } from '../helpers/processes';
import { assertStoreConsistent, runsOn } from './support/checks';
import { DebugSession, type SessionEnd } from './support/debugSession';
import { KillFleet } from './support/killFleet';
import { SimProcess } from './support/simProcess';
import { kill9, whenDescendant, whenStderr } from './support/strike';

/** One clear line: the attach error, or an output line saying the session ends (nothing else important). */
function oneClearMessage(end: SessionEnd): string {
  const line = end.attachError ?? end.said.find((s) => /session ends|closed|lost|cannot|failed/i.test(s));
  assert.ok(line, `the session said why it ended: ${JSON.stringify(end)}`);
  assert.equal(line.trim().split('\n').length, 1, `one line: ${line}`);
  return line;
}

describe('reliability: kill -9 during a debug session (relay, agent, QEMU, gdb processes)', function () {
  this.timeout(180_000);
  let fleet: KillFleet;
  let elf: string;
  let debuggerKey: string;
  let sim: SimProcess | undefined;
  let session: DebugSession | undefined;

  before(async () => {
    [fleet, { elf }] = await Promise.all([KillFleet.start(), buildFirmware()]);
    debuggerKey = await fleet.operatorKey('dora', 'debugger');
  });
  afterEach(async function () {
    // A failed case keeps the device's own account (agent log) beside the adapter's in test-results/debug.
    if (this.currentTest?.state === 'failed' && sim) {
      fs.mkdirSync(resultsDir, { recursive: true });
      const file = `${this.currentTest.title.replace(/[^\w.-]+/g, '_')}.agent.log`;
      fs.writeFileSync(path.join(resultsDir, file), sim.process.stderr());
    }
    await session?.close();
    await sim?.stop();
    session = sim = undefined;
  });
  after(async () => {
    if (!fleet) return;
    await fleet.stopRelay();
    assertStoreConsistent(fleet.relay.dataDir);
    await fleet.close();
  });

  async function device(name: string): Promise<SimProcess> {
    sim = await SimProcess.start(await fleet.addDevice(name), { relay: fleet.url, firmware: elf, trust: [] });
    return sim;
  }

  async function open(name: string, title: string): Promise<DebugSession> {
    session = await DebugSession.start(title);
    return session;
  }

  const attachArgs = (name: string) => ({ device: name, executable: elf, relay: fleet.url, identityFile: debuggerKey });

  /** Starts an attach and resolves once the device's agent opened the debug session (GDB's attach in flight). */
  async function midAttach(s: SimProcess, d: DebugSession): Promise<void> {
    const opened = whenStderr(s.process, /debug session opened/);
    d.attach(attachArgs(s.device.name));
    await opened;
  }

  /** Attaches, stops at the breakpoint and sends `next`; the caller strikes in the same tick, before the step completes. */
  async function midStep(s: SimProcess, d: DebugSession): Promise<void> {
    await d.attachAndStop(attachArgs(s.device.name));
    void d.stepOver();
  }

  it('kill -9 relay mid-handshake (GDB attach in flight): the attach ends with one line, the device runs on after the restart', async () => {
    const s = await device('relay-attach');
    const d = await open('relay-attach', 'kill relay mid-attach');
    await midAttach(s, d);
    await fleet.killRelay();
    assert.match(oneClearMessage(await d.ended()), /connection to the relay lost/);
    await fleet.restartRelay();
    await runsOn(fleet, 'relay-attach');
  });

  it('kill -9 relay mid-debug-step (next outstanding): the session ends with one line, the device runs on after the restart', async () => {
    const s = await device('relay-step');
    const d = await open('relay-step', 'kill relay mid-step');
    await midStep(s, d);
    await fleet.killRelay();
    const line = oneClearMessage(await d.ended());
    assert.match(line, /connection to the relay lost|relay/);
    assert.equal(d.pendingStops, 0, 'the step never completed: the kill landed mid-step');
    await fleet.restartRelay();
    await runsOn(fleet, 'relay-step');
  });

  it('kill -9 agent mid-handshake (GDB attach in flight): the attach ends with one line, no QEMU outlives the agent, the restarted device runs', async () => {
    const s = await device('agent-attach');
    const d = await open('agent-attach', 'kill agent mid-attach');
    const qemu = s.qemuPid()!;
    await midAttach(s, d);
    await s.kill();
    assert.match(oneClearMessage(await d.ended()), /offline|device ended the debug channel/);
    await waitUntilGone(qemu, 'the QEMU of the killed agent');
    await s.restart();
    await runsOn(fleet, 'agent-attach');
  });

  it('kill -9 agent mid-debug-step (next outstanding): the session ends with one line, no halted QEMU is left behind, the restarted device runs', async () => {
    const s = await device('agent-step');
    const d = await open('agent-step', 'kill agent mid-step');
    await d.attachAndStop(attachArgs(s.device.name));
    const qemu = s.qemuPid()!;
    void d.stepOver();
    await s.kill();
    oneClearMessage(await d.ended());
    assert.equal(d.pendingStops, 0, 'the step never completed');
    await waitUntilGone(qemu, 'the halted QEMU of the killed agent');
    await s.restart();
    await runsOn(fleet, 'agent-step');
  });

  it('kill -9 QEMU mid-handshake (GDB attach in flight): the attach ends with one line, the agent restarts QEMU and the device runs', async () => {
    const s = await device('qemu-attach');
    const d = await open('qemu-attach', 'kill qemu mid-attach');
    const qemu = s.qemuPid()!;
    await midAttach(s, d);
    kill9(qemu);
    oneClearMessage(await d.ended());
    await runsOn(fleet, 'qemu-attach');
    assert.notEqual(s.qemuPid(), qemu, 'a new QEMU');
  });

  it('kill -9 QEMU mid-debug-step (next outstanding): the session ends with one line, the agent restarts QEMU and the device runs', async () => {
    const s = await device('qemu-step');
    const d = await open('qemu-step', 'kill qemu mid-step');
    await d.attachAndStop(attachArgs(s.device.name));
    const qemu = s.qemuPid()!;
    void d.stepOver();
    kill9(qemu);
    oneClearMessage(await d.ended());
    assert.equal(d.pendingStops, 0, 'the step never completed');
    await runsOn(fleet, 'qemu-step');
  });

  it('kill -9 gdb mid-handshake (GDB attach in flight): the attach ends with one line, the device runs on', async () => {
    const s = await device('gdb-attach');
    const d = await open('gdb-attach', 'kill gdb mid-attach');
    await midAttach(s, d);
    kill9(await whenDescendant(process.pid, 'gdb-multiarch', /--interpreter=mi/));
    assert.match(oneClearMessage(await d.ended()), /GDB exited/);
    await runsOn(fleet, 'gdb-attach');
    assert.ok(isAlive(s.pid), 'the agent is untouched');
  });

  it('kill -9 gdb mid-debug-step (next outstanding): the session ends with one line, the agent detaches and the device runs on', async () => {
    const s = await device('gdb-step');
    const d = await open('gdb-step', 'kill gdb mid-step');
    await d.attachAndStop(attachArgs(s.device.name));
    const gdb = await whenDescendant(process.pid, 'gdb-multiarch', /--interpreter=mi/);
    void d.stepOver();
    kill9(gdb);
    assert.match(oneClearMessage(await d.ended()), /GDB exited/);
    assert.equal(d.pendingStops, 0, 'the step never completed');
    await runsOn(fleet, 'gdb-step');
  });
});
