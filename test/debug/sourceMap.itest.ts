// An ELF built in another folder (as CI builds it) debugged against the local project: breakpoints set on local
// files bind and hit, and frames open the local files (QEMU, gdb-multiarch, the stdio adapter).
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildSimFirmware } from '../../src/platformio/simBuild';
import {
  attachArgs,
  buildAdapter,
  EventQueue,
  lineOf,
  sampleProject,
  SimDevice,
  startClient,
  stopClient,
} from './harness';
import { sensorC } from './scenarios';

describe('debug adapter: an ELF built in another folder', function () {
  this.timeout(120_000);
  let adapter: string;
  let ciDir = '';
  let elf = '';
  let dev: SimDevice | undefined;
  let dc: DebugClient | undefined;

  before(async () => {
    adapter = await buildAdapter();
    // The CI machine's checkout: built there, then gone, as on an engineer's machine.
    ciDir = mkdtempSync(join(tmpdir(), 'outpost-ci-checkout-'));
    cpSync(sampleProject, join(ciDir, 'fw'), { recursive: true, filter: (src) => !src.endsWith('.pio') });
    const outDir = mkdtempSync(join(tmpdir(), 'outpost-ci-out-'));
    elf = (await buildSimFirmware({ projectDir: join(ciDir, 'fw'), outDir })).elf;
    rmSync(ciDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    if (dc) await stopClient(dc);
    await dev?.stop();
    dc = dev = undefined;
  });

  async function attach(extra: Record<string, unknown>, title: string) {
    dev = await SimDevice.start(elf);
    const c = await startClient(adapter, title);
    dc = c.dc;
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    await dc.initializeRequest();
    await Promise.all([
      dc.waitForEvent('initialized'),
      dc.attachRequest(attachArgs(dev, elf, c.logFile, extra) as DebugProtocol.AttachRequestArguments),
    ]);
    return { dc, stops: c.stops, outputs };
  }

  async function breaksInLocalFile(session: Awaited<ReturnType<typeof attach>>): Promise<void> {
    const line = lineOf(sensorC, 'return rd->centi_c + sum_readings');
    const bp = await session.dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line }] });
    assert.equal(bp.body.breakpoints[0].verified, true, JSON.stringify(bp.body.breakpoints[0]));
    await session.dc.configurationDoneRequest();
    assert.equal((await session.stops.next()).body.reason, 'breakpoint');
    const top = (await session.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.equal(top.name, 'sum_readings');
    assert.equal(top.source?.path, sensorC, 'the frame opens the local file');
    assert.equal(top.line, line);
  }

  it('finds the build folder from the project folder (cwd) and binds breakpoints on local files', async function () {
    const session = await attach({ cwd: sampleProject }, this.test!.fullTitle());
    await breaksInLocalFile(session);
    let said = '';
    while (session.outputs.pending > 0) said += (await session.outputs.next()).body.output;
    assert.ok(said.includes(`sources built in ${ciDir}/fw are read from ${sampleProject}`), said);
  });

  it('takes an explicit sourceFileMap from launch.json', async function () {
    const session = await attach({ sourceFileMap: { [join(ciDir, 'fw')]: sampleProject } }, this.test!.fullTitle());
    await breaksInLocalFile(session);
  });
});
