// The agent's detach against real QEMU (mps2-an505, Cortex-M33): an operator who vanishes, halted or running, leaves the target running.
import assert from 'node:assert/strict';
import { Agent } from '../../src/agent/agent';
import { GdbServerTarget } from '../../src/agent/targets';
import type { QmpClient } from '../../src/agent/targets/qmp';
import { silentLogger } from '../../src/common/log';
import type { Channel } from '../../src/link/channel';
import { RelayError } from '../../src/link/errors';
import type { Identity } from '../../src/protocol/identity';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';
import { WireTap } from '../link/wireTap';
import { startCounterQemu, type CounterQemu } from './helpers/counterQemu';
import { RspClient } from './rspClient';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rsp detach (real QEMU stub)', function () {
  this.timeout(60_000);
  let q: CounterQemu;
  let qmp: QmpClient;
  let fx: RelayFixture;
  let agent: Agent;
  let debuggerId: Identity;
  let gdbPort: number;

  const running = (): Promise<boolean> => q.running();
  const waitRunning = (want: boolean): Promise<boolean> => q.waitRunning(want);

  before(async () => {
    q = await startCounterQemu();
    qmp = q.qmp;
    const port = (gdbPort = q.gdbPort);
    fx = await startRelayFixture();
    debuggerId = await fx.addOperator('dora', 'debugger');
    const devId = await fx.addDevice('qemu-1');
    agent = new Agent({
      relay: fx.url,
      identity: devId,
      target: new GdbServerTarget('127.0.0.1', port),
      log: silentLogger,
    });
    await agent.start();
    await agent.whenConnected();
  });

  after(async () => {
    await agent?.stop();
    await fx?.close();
    q?.stop();
  });

  const taps: WireTap[] = [];
  afterEach(async () => {
    for (const t of taps.splice(0)) await t.close();
    assert.equal(q.exited, undefined, 'the stub must survive the session');
  });

  async function session(): Promise<{ rsp: RspClient; vanish: () => Promise<void> }> {
    const tap = await WireTap.start(fx.relay.port);
    taps.push(tap);
    const operator = await fx.operator(debuggerId, tap.url);
    // The agent holds the session until it has detached from the previous one (up to a few seconds).
    let channel: Channel | undefined;
    for (let i = 0; !channel; i++) {
      channel = await operator.openChannel('qemu-1', 'rsp').catch(async (e: unknown) => {
        if (i > 50 || !(e instanceof RelayError) || e.code !== 'CHANNEL_REFUSED') throw e;
        await sleep(100);
        return undefined;
      });
    }
    channel.on('error', () => undefined);
    return { rsp: new RspClient(channel), vanish: () => tap.close() };
  }

  /**
   * Attaches with `?`. QEMU (7.2) halts the core when a debugger connects and sends a stop reply (T02) ahead of
   * its answer to the first packet (T05); bytes racing that halt are dropped, so the first packet may need resending.
   */
  async function attach(rsp: RspClient): Promise<void> {
    const first = await rsp.requestRetrying('?');
    if (first.startsWith('T02')) assert.match(await rsp.next(), /^T05/);
    else assert.match(first, /^T05/);
    assert.equal(await running(), false);
  }

  it('a debugger that disconnects without detaching leaves QEMU halted (what the agent must prevent)', async () => {
    assert.equal(await waitRunning(true), true, 'firmware runs before anyone attaches');
    const direct = await new GdbServerTarget('127.0.0.1', gdbPort).connectGdb();
    await attach(new RspClient(direct));
    direct.destroy();
    await sleep(500);
    assert.equal(await running(), false);
    await qmp.execute('cont');
    assert.equal(await waitRunning(true), true);
  });

  it('resumes a halted target when the operator vanishes without detaching', async () => {
    const { rsp, vanish } = await session();
    await attach(rsp);
    assert.match(await rsp.request('g'), /^[0-9a-f]+$/);
    assert.equal(await running(), false);
    await vanish();
    assert.equal(await waitRunning(true), true, 'agent detached: the core runs again');
    await sleep(300);
    assert.equal(await running(), true, 'and keeps running');
  });

  it('resumes the target when the operator vanishes before sending a byte (QEMU halts on the connection alone)', async () => {
    assert.equal(await waitRunning(true), true, 'firmware runs before anyone attaches');
    const { vanish } = await session();
    await vanish();
    assert.equal(await waitRunning(true), true, 'agent detached: the core runs again');
    await sleep(300);
    assert.equal(await running(), true, 'and keeps running');
  });

  it("survives its own relay link dropping before the session's first byte, and the target runs on", async () => {
    // A second agent for the same stub, its relay link through a tap the test can cut.
    const agentTap = await WireTap.start(fx.relay.port);
    taps.push(agentTap);
    const second = new Agent({
      relay: agentTap.url,
      identity: await fx.addDevice('qemu-2'),
      target: new GdbServerTarget('127.0.0.1', gdbPort),
      log: silentLogger,
    });
    try {
      await second.start();
      await second.whenConnected();
      const operator = await fx.operator(debuggerId);
      const channel = await operator.openChannel('qemu-2', 'rsp');
      channel.on('error', () => undefined);
      await agentTap.close();
      assert.equal(await waitRunning(true), true, 'agent detached: the core runs again');
      await sleep(300);
      assert.equal(await running(), true, 'and keeps running');
    } finally {
      await second.stop();
    }
  });

  it('leaves a running target running when the operator vanishes mid-continue (no stray byte halts it again)', async () => {
    const { rsp, vanish } = await session();
    await attach(rsp);
    assert.equal(await running(), false);
    rsp.send('$c#63'); // continue: no reply until the target stops
    assert.equal(await waitRunning(true), true);
    await vanish();
    // QEMU answers a byte arriving while running with a stop reply; the agent must detach again after it.
    await sleep(500);
    assert.equal(await waitRunning(true), true, 'the core runs after the agent detached');
    await sleep(300);
    assert.equal(await running(), true, 'and keeps running');
  });
});
