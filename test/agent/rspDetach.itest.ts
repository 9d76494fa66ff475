// The agent's detach against real QEMU (mps2-an505, Cortex-M33): an operator who vanishes, halted or running, leaves the target running.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent';
import { GdbServerTarget } from '../../src/agent/targets';
import { freeLoopbackPort } from '../../src/agent/targets/freePort';
import { QmpClient } from '../../src/agent/targets/qmp';
import { silentLogger } from '../../src/common/log';
import type { Channel } from '../../src/link/channel';
import { RelayError } from '../../src/link/errors';
import type { Identity } from '../../src/protocol/identity';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';
import { WireTap } from '../link/wireTap';
import { RspClient } from './rspClient';

const firmware = `
volatile unsigned counter;
void reset(void) { for (;;) counter++; }
__attribute__((section(".vectors"))) const void *vectors[] = { (void *)0x38200000, (void *)reset };
`;
const linkerScript = `
MEMORY { FLASH (rx) : ORIGIN = 0x10000000, LENGTH = 4M  RAM (rwx) : ORIGIN = 0x38000000, LENGTH = 2M }
SECTIONS { .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > FLASH  .bss : { *(.bss*) *(COMMON) } > RAM }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rsp detach (real QEMU stub)', function () {
  this.timeout(60_000);
  let dir: string;
  let qemu: ChildProcess;
  let qmp: QmpClient;
  let fx: RelayFixture;
  let agent: Agent;
  let debuggerId: Identity;
  let gdbPort: number;
  let qemuExit: string | undefined;

  const running = async (): Promise<boolean> => ((await qmp.execute('query-status')) as { running: boolean }).running;

  async function waitRunning(want: boolean): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if ((await running()) === want) return true;
      await sleep(50);
    }
    return false;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-detach-'));
    writeFileSync(join(dir, 'fw.c'), firmware);
    writeFileSync(join(dir, 'link.ld'), linkerScript);
    execFileSync('arm-none-eabi-gcc', [
      ...['-mcpu=cortex-m33', '-mthumb', '-O0', '-ffreestanding', '-nostdlib', '-nostartfiles'],
      ...['-T', join(dir, 'link.ld'), join(dir, 'fw.c'), '-o', join(dir, 'fw.elf')],
    ]);
    const port = (gdbPort = await freeLoopbackPort());
    const qmpPath = join(dir, 'qmp.sock');
    qemu = spawn(
      'qemu-system-arm',
      [
        ...['-M', 'mps2-an505', '-display', 'none', '-monitor', 'none', '-serial', 'null'],
        ...[
          '-kernel',
          join(dir, 'fw.elf'),
          '-gdb',
          `tcp:127.0.0.1:${port}`,
          '-qmp',
          `unix:${qmpPath},server=on,wait=off`,
        ],
      ],
      { stdio: ['ignore', 'ignore', openSync(join(dir, 'qemu.log'), 'w')] },
    );
    qemu.on('exit', (code, signal) => (qemuExit = `QEMU exited (${signal ?? code})`));
    for (let i = 0; i < 100 && !existsSync(qmpPath); i++) await sleep(50);
    qmp = await QmpClient.connect(qmpPath);
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
    qmp?.close();
    qemu?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const taps: WireTap[] = [];
  afterEach(async () => {
    for (const t of taps.splice(0)) await t.close();
    assert.equal(qemuExit, undefined, 'the stub must survive the session');
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
