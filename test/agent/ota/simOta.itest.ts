// OTA on the simulator as `outpost agent --target sim` runs it: serveOta on a real SimTarget (QEMU), the relay's
// sender over a real socket, real signatures. What the fleet sees afterwards: version, build id, what boots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelHandler } from '../../../src/agent/channelHandler';
import { otaBootFirmware, serveOta, type OtaServices } from '../../../src/agent/otaServices';
import { SimTarget } from '../../../src/agent/targets/sim';
import { silentLogger } from '../../../src/common/log';
import type { Channel } from '../../../src/link/channel';
import type { IncomingChannel } from '../../../src/link/connection';
import { generateIdentity } from '../../../src/protocol/identity';
import type { StatusMessage } from '../../../src/protocol/otaTransfer';
import { sendUpdate } from '../../../src/relay/ota/otaSender';
import { waitForLine } from '../helpers/uartLines';
import { tcpSocketPair } from '../../helpers/socketPair';
import { otaBuilds, signBuild, type Build } from './firmwareBuilds';

describe('agent/ota on the sim target', function () {
  this.timeout(120_000);
  const owner = generateIdentity();
  let work: string;
  let v1: Build;
  let v2: Build;
  let silent: Build;
  let stateDir: string;
  let target: SimTarget | undefined;
  let ota: OtaServices | undefined;
  let handler: ChannelHandler | undefined;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-sim-ota-'));
    ({ v1, v2, silent } = await otaBuilds());
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  async function boot(firmware: string): Promise<SimTarget> {
    const t = new SimTarget({ firmware });
    const ready = waitForLine(t.uart, /ready/);
    await t.start();
    await ready;
    target = t;
    ota = serveOta({ handle: (kind, h) => ((handler = h), { dispose: () => undefined }) }, t, {
      stateDir,
      trustedSigners: [owner.publicKeyText],
      log: silentLogger,
      healthTimeoutMs: 3000,
      busyPollMs: 200,
    });
    return t;
  }

  beforeEach(async () => {
    stateDir = fs.mkdtempSync(path.join(work, 'state-'));
    await boot(v1.elf);
  });
  afterEach(async () => {
    ota?.dispose();
    await target?.stop();
    target = undefined;
  });

  async function deploy(b: Build, deploymentId = 'dep-1'): Promise<StatusMessage> {
    const [deviceSide, sender] = await tcpSocketPair();
    const request: IncomingChannel = {
      kind: 'ota',
      operator: 'relay',
      operatorKey: owner.publicKeyText,
      encrypted: false,
      accept: () => deviceSide as unknown as Channel,
      refuse: () => assert.fail('the ota channel was refused'),
    };
    void (handler as ChannelHandler)(request, { target: target as SimTarget, log: silentLogger });
    const outcome = await sendUpdate(sender, {
      deploymentId,
      signed: signBuild(b, owner),
      health: { healthTimeoutMs: 3000 },
      read: async (offset, length) => b.bin.subarray(offset, offset + length),
      onEvent: () => undefined,
    });
    sender.destroy();
    return outcome.ended === 'status' ? outcome.status : assert.fail('the channel closed before a final status');
  }

  it('boots the update, and the target then reports its version and build id', async () => {
    const t = target as SimTarget;
    const booted = waitForLine(t.uart, /u5-sensor 2\.0\.0 ready/);
    const status = await deploy(v2);
    assert.equal(status.state, 'confirmed', status.reason);
    await booted;
    assert.deepEqual(t.firmware(), { version: '2.0.0', buildId: v2.buildId, board: 'stm32u5-sim' });
  });

  it('rolls a build that never says ready back to the firmware it started with', async () => {
    const t = target as SimTarget;
    const seen: string[] = [];
    t.uart.on('line', (line: string) => seen.push(line));
    const status = await deploy(silent);
    assert.equal(status.state, 'rolled_back');
    assert.equal(status.code, 'HEALTH_CHECK_FAILED');
    assert.ok(
      seen.some((l) => /u5-sensor 3\.0\.0 started/.test(l)),
      'the new build ran',
    );
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !seen.some((l) => /1\.0\.0 ready/.test(l));)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      seen.some((l) => /u5-sensor 1\.0\.0 ready/.test(l)),
      'the original firmware booted again',
    );
    assert.deepEqual(t.firmware(), { version: '1.0.0', buildId: v1.buildId, board: 'stm32u5-sim' });
  });

  it('keeps running the update after the agent restarts', async () => {
    assert.equal((await deploy(v2)).state, 'confirmed');
    ota?.dispose();
    await (target as SimTarget).stop();
    const firmware = otaBootFirmware(stateDir);
    assert.ok(firmware, 'an OTA image to boot');
    const t = await boot(firmware);
    assert.deepEqual(t.firmware(), { version: '2.0.0', buildId: v2.buildId, board: 'stm32u5-sim' });
    const again = await deploy(v2, 'dep-2');
    assert.equal(again.state, 'confirmed', 'the same image is recognised as installed');
  });
});
