// Launch: flash a new build through the stub, reset, stop at main; restart resets through the stub.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { attachArgs, buildAdapter, buildFirmware, EventQueue, SimDevice, startClient, stopClient } from './harness';
import { launchFlashesAndStopsAtMain } from './scenarios';

describe('debug adapter: launch flashes and resets (QEMU, gdb-multiarch)', function () {
  this.timeout(90_000);
  let adapter: string;
  let running: string;
  let next: string;
  let dev: SimDevice;
  let dc: DebugClient;
  let stops: EventQueue<DebugProtocol.StoppedEvent>;
  let logFile: string;

  before(async () => {
    [adapter, { elf: running }, { elf: next }] = await Promise.all([
      buildAdapter(),
      buildFirmware(),
      buildFirmware('9.8.7'),
    ]);
  });

  beforeEach(async function () {
    dev = await SimDevice.start(running);
    const c = await startClient(adapter, this.currentTest?.fullTitle() ?? 'launch');
    ({ dc, stops, logFile } = c);
  });

  afterEach(async () => {
    await stopClient(dc);
    await dev.stop();
  });

  async function launch(extra: Record<string, unknown> = {}): Promise<void> {
    await dc.initializeRequest();
    const args = attachArgs(dev, next, logFile, extra) as DebugProtocol.LaunchRequestArguments;
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest(args)]);
    await dc.configurationDoneRequest();
  }

  it('loads the new build, resets and stops at main; the new version then boots', async () => {
    assert.match(dev.lines.join('\n'), /boot: u5-sensor 1\.0\.0/);
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await launchFlashesAndStopsAtMain({ dc, stops, outputs, device: dev }, attachArgs(dev, next, logFile), '9.8.7');
  });

  it('stops at the reset entry with stopOnEntry, tracing MI on the debug console', async () => {
    const output = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await launch({ stopOnEntry: true, trace: true });
    let line = '';
    while (!/target-select/.test(line)) line = (await output.next()).body.output;
    assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z > \d+-target-select extended-remote 127\.0\.0\.1:\d+\n$/);
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'entry');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].name, 'Reset_Handler');
  });

  it('restarts through the stub: the firmware boots again and stops at main', async () => {
    await launch();
    await stops.next();
    // Counted before the continue: the firmware can print its ready line before the continue reply arrives.
    const booted = dev.lines.length;
    await dc.continueRequest({ threadId: 1 });
    await dev.waitFor(/9\.8\.7 ready/, 15_000, booted);
    await dc.customRequest('restart', {});
    const stop = await stops.next();
    assert.equal(stop.body.reason, 'entry');
    assert.equal((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].name, 'main');
    const from = dev.lines.length;
    await dc.continueRequest({ threadId: 1 });
    await dev.waitFor(/boot: u5-sensor 9\.8\.7 /, 15_000, from);
  });

  it('shows how far the flash is: progress updates name the section and count up to the whole image', async () => {
    const updates: DebugProtocol.ProgressUpdateEvent['body'][] = [];
    dc.on('progressUpdate', (e: DebugProtocol.ProgressUpdateEvent) => updates.push(e.body));
    await dc.initializeRequest({ adapterID: 'outpost', pathFormat: 'path', supportsProgressReporting: true });
    const args = attachArgs(dev, next, logFile) as DebugProtocol.LaunchRequestArguments;
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest(args)]);
    const flashing = updates.filter((u) => /^flashing \./.test(u.message ?? ''));
    assert.ok(flashing.length >= 2, `updates while flashing: ${JSON.stringify(updates)}`);
    assert.match(flashing[0].message ?? '', /^flashing \.vectors: 0\.0 of \d+\.\d KiB$/);
    assert.ok(flashing.some((u) => /^flashing \.text: /.test(u.message ?? '')));
    const percents = flashing.map((u) => u.percentage ?? -1);
    assert.deepEqual(
      [...percents].sort((a, b) => a - b),
      percents,
      'never goes back',
    );
    assert.ok(percents[percents.length - 1] >= 90, `ends near the whole image: ${percents.join(', ')}`);
    await dc.configurationDoneRequest();
    assert.equal((await stops.next()).body.reason, 'entry');
  });

  it('refuses to flash a GDB server of unknown kind it could not reset; the old firmware keeps running', async () => {
    await dc.initializeRequest();
    const args = attachArgs(dev, next, logFile, { stubKind: undefined }) as DebugProtocol.LaunchRequestArguments;
    const from = dev.lines.length;
    await assert.rejects(
      dc.launchRequest(args),
      /don't know how to reset the target behind 127\.0\.0\.1:\d+: set "stubKind"/,
    );
    await dev.waitFor(/reading #/, 15_000, from);
    assert.doesNotMatch(
      readFileSync(logFile + '.mi', 'utf8'),
      /target-download|target-select/,
      'the device was not touched',
    );
  });
});
