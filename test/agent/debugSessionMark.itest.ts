// An agent killed (SIGKILL) while a debugger holds a `gdb://` target halted at a breakpoint: the target stays
// halted (nobody detaches), and the next agent start on the same state folder detaches, so the core runs again
// with the debugger's breakpoint removed. Real QEMU stub, real relay, `outpost agent` processes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBUG_SESSION_MARK } from '../../src/agent/debugSessionMark';
import { writeIdentityFile } from '../../src/common/identityFile';
import { startOutpost, type OutpostProcess } from '../helpers/outpostCli';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';
import { startCounterQemu, type CounterQemu } from './helpers/counterQemu';
import { RspClient } from './rspClient';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('agent killed during a debug session on a gdb:// target', function () {
  this.timeout(120_000);
  let q: CounterQemu;
  let fx: RelayFixture;
  let dir: string;
  const agents: OutpostProcess[] = [];

  before(async () => {
    q = await startCounterQemu();
    fx = await startRelayFixture();
    dir = mkdtempSync(join(tmpdir(), 'outpost-agent-mark-'));
  });
  after(async () => {
    for (const a of agents) await a.stop('SIGKILL');
    await fx?.close();
    q?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is released on the next start: the core runs again, without the breakpoint the debugger left', async () => {
    writeIdentityFile(join(dir, 'device.key'), await fx.addDevice('gw-1'));
    const state = join(dir, 'state');
    const args = ['agent', '--relay', fx.url, '--key', join(dir, 'device.key')];
    const startAgent = async (): Promise<OutpostProcess> => {
      const agent = await startOutpost([...args, '--target', `gdb://127.0.0.1:${q.gdbPort}`, '--state', state]);
      agents.push(agent);
      await agent.waitFor(/connected/i, 60_000);
      return agent;
    };
    const first = await startAgent();

    // A debugger halts the core, puts a breakpoint in the loop and runs into it.
    const operator = await fx.operator(await fx.addOperator('dora', 'debugger'));
    const channel = await operator.openChannel('gw-1', 'rsp');
    channel.on('error', () => undefined); // the channel ends with "device is offline" when the agent is killed
    const rsp = new RspClient(channel);
    let stop = await rsp.requestRetrying('?');
    if (stop.startsWith('T02')) stop = await rsp.next();
    const regs = await rsp.request('g');
    const pc = regs
      .slice(15 * 8, 16 * 8)
      .match(/../g)!
      .reverse()
      .join(''); // r15, little-endian
    assert.equal(await rsp.request(`Z0,${pc},2`), 'OK');
    assert.match(await rsp.request('c'), /^T05/);
    assert.ok(existsSync(join(state, DEBUG_SESSION_MARK)), 'the agent recorded the session');

    await first.stop('SIGKILL'); // no chance to detach
    await sleep(500);
    assert.equal(await q.running(), false, 'the core is left halted at the breakpoint');

    await startAgent();
    assert.equal(await q.waitRunning(true), true, 'the restarted agent detached: the core runs');
    await sleep(500);
    assert.equal(await q.running(), true, 'and runs on: the breakpoint in the loop is gone');
    assert.equal(existsSync(join(state, DEBUG_SESSION_MARK)), false, 'the mark is cleared');
  });
});
