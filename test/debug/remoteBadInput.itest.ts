// Bad input on the way to a fleet device ends the session with one clear line, never a hang, and the device runs on:
// offline and unknown devices, no relay configured, a viewer's key, a wrong GDB, the wrong ELF, the relay killed.
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildAdapter, buildFirmware, EventQueue, startClient, stopClient } from './harness';
import { RemoteFleet, type RemoteDevice } from './remoteFleet';
import { stopAtReport } from './scenarios';

/** Attaches and returns the error message, once the session also said it ended (terminated). */
async function attachFails(dc: DebugClient, args: Record<string, unknown>): Promise<string> {
  const terminated = dc.waitForEvent('terminated', 30_000);
  const err = await dc.attachRequest(args as DebugProtocol.AttachRequestArguments).then(
    () => assert.fail('attach should fail'),
    (e: Error) => e.message,
  );
  await terminated;
  return err;
}

/** Retries `attempt` (e.g. a device that is still reconnecting) until it succeeds or `ms` pass. */
async function until<T>(attempt: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The device took a new reading after this point: it was not left halted. */
async function runsOn(device: RemoteDevice): Promise<void> {
  await device.log.waitFor(/reading #/, 15_000, device.log.lines.length);
}

describe('debug adapter: bad input on the way to a fleet device (relay, agent, QEMU)', function () {
  this.timeout(120_000);
  let adapter: string;
  let elf: string;
  let other: string;
  let fleet: RemoteFleet;
  let debuggerKey: string;
  let device: RemoteDevice;
  let dc: DebugClient;
  let logFile: string;
  // An adapter that finds no relay anywhere: no OUTPOST_* variables, a HOME without a config file.
  const unconfigured = {
    HOME: mkdtempSync(join(tmpdir(), 'outpost-home-')),
    XDG_CONFIG_HOME: '',
    OUTPOST_RELAY: '',
    OUTPOST_KEY: '',
  };

  before(async () => {
    [adapter, { elf }, { elf: other }, fleet] = await Promise.all([
      buildAdapter(),
      buildFirmware(),
      buildFirmware('9.8.7'),
      RemoteFleet.inProcess(),
    ]);
    debuggerKey = await fleet.operatorKey('ana', 'debugger');
    device = await fleet.startDevice('sensor-01', elf);
  });

  after(async () => {
    await fleet?.close();
  });

  beforeEach(async function () {
    const title = this.currentTest?.fullTitle() ?? 'remote bad input';
    const env = /no relay configured/.test(title) ? unconfigured : {};
    ({ dc, logFile } = await startClient(adapter, title, { env }));
    await dc.initializeRequest();
  });

  afterEach(async () => {
    await stopClient(dc);
  });

  const to = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    device: name,
    executable: elf,
    relay: fleet.url,
    identityFile: debuggerKey,
    traceFile: logFile + '.mi',
    ...extra,
  });

  it('a device whose agent is offline', async () => {
    await fleet.register('sensor-02');
    const msg = await attachFails(dc, to('sensor-02'));
    assert.match(
      msg,
      /^device "sensor-02" is offline: its agent is not connected to ws:\/\/127\.0\.0\.1:\d+; start it/,
    );
  });

  it('a device name the relay does not know', async () => {
    const msg = await attachFails(dc, to('sensor-99'));
    assert.match(msg, /^no device named "sensor-99" on ws:\/\/127\.0\.0\.1:\d+: check "device" in launch\.json/);
  });

  it("a viewer's key (no permission to debug); the device runs on", async () => {
    const viewerKey = await fleet.operatorKey('vic', 'viewer');
    const msg = await attachFails(dc, to('sensor-01', { identityFile: viewerKey }));
    assert.match(
      msg,
      /^ws:\/\/127\.0\.0\.1:\d+ does not let this operator debug devices: it needs the admin or debugger role/,
    );
    await runsOn(device);
  });

  it('a wrong gdbPath; the device is not touched', async () => {
    const msg = await attachFails(dc, to('sensor-01', { gdbPath: '/nonexistent/arm-none-eabi-gdb' }));
    assert.equal(
      msg,
      'GDB not found at /nonexistent/arm-none-eabi-gdb (launch.json gdbPath): fix the path or remove it',
    );
    await runsOn(device);
  });

  it('an ELF that is not what the device runs (build id); the device runs on', async () => {
    const msg = await attachFails(dc, to('sensor-01', { executable: other }));
    assert.match(
      msg,
      /firmware\.elf is not the firmware the device runs \(build id [0-9a-f]{40} in the ELF, [0-9a-f]{40} on the device\): pick the ELF/,
    );
    await runsOn(device);
  });

  it('no relay configured anywhere', async () => {
    // This test's adapter runs with an empty HOME and no OUTPOST_* variables (see beforeEach).
    const msg = await attachFails(dc, { device: 'sensor-01', executable: elf });
    assert.match(msg, /^no relay to reach device "sensor-01" through: set "relay" in launch\.json, OUTPOST_RELAY, or /);
  });
});

describe('debug adapter: the relay is killed mid-session (relay process, agent, QEMU)', function () {
  this.timeout(120_000);
  let adapter: string;
  let elf: string;
  let fleet: RemoteFleet;
  let device: RemoteDevice;
  let dc: DebugClient;

  before(async () => {
    [adapter, { elf }, fleet] = await Promise.all([buildAdapter(), buildFirmware(), RemoteFleet.asProcess()]);
  });

  after(async () => {
    if (dc) await stopClient(dc);
    await fleet?.close();
  });

  it('ends the session with one line; the device halted at a breakpoint runs on', async () => {
    const key = await fleet.operatorKey('ana', 'debugger');
    device = await fleet.startDevice('sensor-01', elf);
    const c = await startClient(adapter, 'remote bad input relay killed mid-session');
    dc = c.dc;
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await dc.initializeRequest();
    const args = {
      device: 'sensor-01',
      executable: elf,
      relay: fleet.url,
      identityFile: key,
      traceFile: c.logFile + '.mi',
    };
    await Promise.all([dc.waitForEvent('initialized'), dc.attachRequest(args as DebugProtocol.AttachRequestArguments)]);
    await stopAtReport({ dc, stops: c.stops, outputs, device: device.log });

    const terminated = dc.waitForEvent('terminated', 30_000);
    await fleet.killRelay();
    await terminated;
    let said = '';
    while (!said.includes('session ends')) said = (await outputs.next()).body.output;
    assert.match(
      said,
      /^the connection to the GDB server at device sensor-01 via ws:\/\/127\.0\.0\.1:\d+ closed \(connection to the relay lost\); the session ends\n$/,
    );

    // Once the relay is back, the device's live log shows it takes readings again: it was not left halted.
    await fleet.restartRelay();
    const log = await until(() => fleet.liveLogsOf('sensor-01'), 20_000);
    try {
      await log.waitFor(/reading #/, 15_000, 0);
    } finally {
      log.close();
    }
  });
});
