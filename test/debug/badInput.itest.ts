// Bad input ends the session with one clear message, never a hang: wrong GDB, wrong ELF, no stub, a stub gone.
// (Fleet devices and the relay: remoteBadInput.itest.ts.)
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { freeLoopbackPort } from '../../src/agent/targets/freePort';
import { attachArgs, buildAdapter, buildFirmware, EventQueue, SimDevice, startClient, stopClient } from './harness';

describe('debug adapter: bad input', function () {
  this.timeout(60_000);
  let adapter: string;
  let elf: string;
  let other: string;
  let dc: DebugClient;
  let logFile: string;
  let dev: SimDevice | undefined;

  before(async () => {
    [adapter, { elf }, { elf: other }] = await Promise.all([buildAdapter(), buildFirmware(), buildFirmware('9.8.7')]);
  });

  beforeEach(async function () {
    ({ dc, logFile } = await startClient(adapter, this.currentTest?.fullTitle() ?? 'bad input'));
    await dc.initializeRequest();
  });

  afterEach(async () => {
    await stopClient(dc);
    await dev?.stop();
    dev = undefined;
  });

  /** Attaches with the given arguments and returns the error message plus whether the session said it ended. */
  async function attachFails(args: Record<string, unknown>): Promise<string> {
    const terminated = dc.waitForEvent('terminated', 30_000);
    const err = await dc.attachRequest(args as DebugProtocol.AttachRequestArguments).then(
      () => assert.fail('attach should fail'),
      (e: Error) => e.message,
    );
    await terminated;
    return err;
  }

  it('a wrong gdbPath', async () => {
    const msg = await attachFails({
      gdbTarget: '127.0.0.1:1',
      executable: elf,
      gdbPath: '/nonexistent/arm-none-eabi-gdb',
      traceFile: logFile + '.mi',
    });
    assert.equal(
      msg,
      'GDB not found at /nonexistent/arm-none-eabi-gdb (launch.json gdbPath): fix the path or remove it',
    );
  });

  it('an ELF that does not match what the device runs; the device keeps running', async () => {
    dev = await SimDevice.start(elf);
    const msg = await attachFails(attachArgs(dev, other, logFile));
    assert.match(
      msg,
      /firmware\.elf is not the firmware the device runs \(build id [0-9a-f]{40} in the ELF, [0-9a-f]{40} on the device\): pick the ELF/,
    );
    const from = dev.lines.length;
    await dev.waitFor(/reading #/, 15_000, from);
  });

  it('a GDB server nobody listens on', async () => {
    const port = await freeLoopbackPort();
    const msg = await attachFails({ gdbTarget: `127.0.0.1:${port}`, executable: elf, traceFile: logFile + '.mi' });
    assert.match(msg, new RegExp(`^cannot reach the GDB server at 127\\.0\\.0\\.1:${port}: .*Connection refused`));
  });

  it('a GDB server that accepts but never answers', async () => {
    const silent = createServer((s) => s.on('data', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const msg = await attachFails({
        gdbTarget: `127.0.0.1:${port}`,
        executable: elf,
        gdbTimeoutMs: 2000,
        traceFile: logFile + '.mi',
      });
      assert.match(msg, new RegExp(`^cannot reach the GDB server at 127\\.0\\.0\\.1:${port}: `));
    } finally {
      silent.close();
    }
  });

  it('a device that goes away mid-session ends it with one line', async () => {
    dev = await SimDevice.start(elf);
    const output = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await Promise.all([
      dc.waitForEvent('initialized'),
      dc.attachRequest(attachArgs(dev, elf, logFile) as DebugProtocol.AttachRequestArguments),
    ]);
    await dc.configurationDoneRequest();
    const terminated = dc.waitForEvent('terminated', 20_000);
    await dev.stop();
    await terminated;
    let said = '';
    while (!said.includes('session ends')) said = (await output.next()).body.output;
    assert.match(said, /^the connection to the GDB server at 127\.0\.0\.1:\d+ closed; the session ends\n$/);
  });

  it('a missing executable', async () => {
    const msg = await attachFails({ gdbTarget: '127.0.0.1:1', executable: '/nonexistent/firmware.elf' });
    assert.equal(msg, 'executable /nonexistent/firmware.elf does not exist: build the firmware first');
  });
});
