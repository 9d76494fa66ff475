// OTA end to end on the device side: real firmware in real QEMU, real signatures, the real gdb-multiarch installer,
// the relay's sender over a real socket. What a user notices: what runs afterwards, and what the relay is told.
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleBusyProbe } from '../../../src/agent/ota/busy';
import { GdbInstaller } from '../../../src/agent/ota/gdbInstaller';
import { OtaService } from '../../../src/agent/ota/otaService';
import { generateIdentity, type Identity } from '../../../src/protocol/identity';
import type { SignedManifest } from '../../../src/protocol/manifest';
import type { DeviceEvent } from '../../../src/relay/ota/deviceState';
import { sendUpdate, type SendOutcome } from '../../../src/relay/ota/otaSender';
import { tcpSocketPair } from '../../helpers/socketPair';
import { otaBuilds, signBuild, type Build } from './firmwareBuilds';
import { startQemuDevice, type QemuDevice } from './qemuDevice';

const FLASH = { flashBase: 0x10000000, flashSize: 4 * 1024 * 1024 };
const BOARD = 'stm32u5-sim';

// The build's manifest with another image (tampered, oversized), version or anti-rollback counter.
function sign(image: Buffer, b: Build, version: string, antiRollback: number, by: Identity): SignedManifest {
  const imageSha256 = createHash('sha256').update(image).digest('hex');
  return signBuild(b, by, { imageSha256, imageSize: image.length, version, antiRollback });
}

describe('agent/ota on a QEMU device', function () {
  this.timeout(120_000);
  const owner = generateIdentity();
  let work: string;
  let v1: Build;
  let v2: Build;
  let silent: Build;
  let device: QemuDevice | undefined;
  let stateDir: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ota-it-'));
    ({ v1, v2, silent } = await otaBuilds());
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  beforeEach(async () => {
    stateDir = fs.mkdtempSync(path.join(work, 'state-'));
    device = await startQemuDevice(v1.elf, stateDir);
    await device.waitForLine(/u5-sensor 1\.0\.0 ready/);
  });
  afterEach(async () => {
    await device?.stop();
    device = undefined;
  });

  function service(trusted: string[] = [owner.publicKeyText]): OtaService {
    const dev = device as QemuDevice;
    return new OtaService({
      stateDir,
      trustedSigners: trusted,
      installer: new GdbInstaller({
        connect: dev.connectGdb,
        reset: 'qemu',
        workDir: stateDir,
        flashSize: FLASH.flashSize,
      }),
      firmware: () => ({ board: BOARD }),
      flash: () => FLASH,
      uart: dev.uart,
      busy: consoleBusyProbe(dev.exec),
      busyPollMs: 300,
      erasedByte: 0x00,
      healthTimeoutMs: 5000,
    });
  }

  async function deploy(
    svc: OtaService,
    signed: SignedManifest,
    image: Buffer,
    opts: { deploymentId?: string; dropAfter?: number; healthTimeoutMs?: number } = {},
  ): Promise<{ outcome: SendOutcome; events: DeviceEvent[] }> {
    const [deviceSide, senderSide] = await tcpSocketPair();
    void svc.serve(deviceSide);
    const events: DeviceEvent[] = [];
    const outcome = await sendUpdate(senderSide, {
      deploymentId: opts.deploymentId ?? 'dep-1',
      signed,
      health: { healthTimeoutMs: opts.healthTimeoutMs ?? 5000 },
      read: async (offset, length) => image.subarray(offset, offset + length),
      onEvent: (ev) => {
        events.push(ev);
        if (opts.dropAfter !== undefined && ev.type === 'bytes' && ev.offset >= opts.dropAfter) senderSide.destroy();
      },
    });
    senderSide.destroy();
    return { outcome, events };
  }

  async function flashHolds(image: Buffer): Promise<boolean> {
    const dev = device as QemuDevice;
    const reader = new GdbInstaller({
      connect: dev.connectGdb,
      reset: 'qemu',
      workDir: stateDir,
      flashSize: image.length,
    });
    const now = await reader.snapshot(FLASH.flashBase);
    return now !== undefined && Buffer.compare(now.subarray(0, image.length), image) === 0;
  }

  const states = (events: DeviceEvent[]) => events.flatMap((e) => (e.type === 'status' ? [e.state] : []));
  const finalStatus = (o: SendOutcome) =>
    o.ended === 'status' ? o.status : assert.fail(`channel closed: ${JSON.stringify(o)}`);

  it('installs a signed update, boots it, confirms it, and answers a repeated offer without sending bytes', async () => {
    const svc = service();
    const signed = sign(v2.bin, v2, '2.0.0', 1, owner);
    const { outcome, events } = await deploy(svc, signed, v2.bin);
    const status = finalStatus(outcome);
    assert.equal(status.state, 'confirmed', status.reason);
    assert.equal(status.buildId, v2.buildId);
    assert.deepEqual(states(events), ['verifying', 'installing', 'rebooting', 'confirming', 'confirmed']);
    assert.equal(outcome.bytesSent, v2.bin.length);
    assert.ok((device as QemuDevice).lines.some((l) => /u5-sensor 2\.0\.0 ready/.test(l)));
    assert.ok(await flashHolds(v2.bin));
    assert.deepEqual(svc.installed(), { version: '2.0.0', buildId: v2.buildId });

    const again = await deploy(svc, signed, v2.bin);
    assert.equal(finalStatus(again.outcome).state, 'confirmed');
    assert.equal(again.outcome.bytesSent, 0);
  });

  it('refuses a tampered image after download and before writing a byte to the target', async () => {
    const signed = sign(v2.bin, v2, '2.0.0', 1, owner);
    const tampered = Buffer.from(v2.bin);
    tampered[0x400] ^= 0xff;
    const { outcome, events } = await deploy(service(), signed, tampered);
    const status = finalStatus(outcome);
    assert.equal(status.state, 'failed');
    assert.equal(status.code, 'HASH_MISMATCH');
    assert.ok(!states(events).includes('installing'));
    assert.ok(await flashHolds(v1.bin), 'the target still holds the original firmware');
    assert.ok(!(device as QemuDevice).lines.some((l) => /2\.0\.0/.test(l)));
  });

  it('refuses a manifest changed after signing, and an untrusted signer, without downloading', async () => {
    const signed = sign(v2.bin, v2, '2.0.0', 1, owner);
    const altered = { ...signed, manifest: { ...signed.manifest, antiRollback: 9 } };
    const bad = await deploy(service(), altered, v2.bin);
    assert.equal(finalStatus(bad.outcome).code, 'BAD_SIGNATURE');
    assert.equal(bad.outcome.bytesSent, 0);

    const stranger = generateIdentity();
    const foreign = await deploy(service(), sign(v2.bin, v2, '2.0.0', 1, stranger), v2.bin);
    assert.equal(finalStatus(foreign.outcome).code, 'UNTRUSTED_SIGNER');
    assert.equal(foreign.outcome.bytesSent, 0);
    assert.ok(await flashHolds(v1.bin));
  });

  it('refuses a downgrade below the confirmed anti-rollback counter', async () => {
    const svc = service();
    assert.equal(
      finalStatus((await deploy(svc, sign(v2.bin, v2, '2.0.0', 5, owner), v2.bin)).outcome).state,
      'confirmed',
    );
    const down = await deploy(svc, sign(v1.bin, v1, '1.0.0', 4, owner), v1.bin, { deploymentId: 'dep-2' });
    const status = finalStatus(down.outcome);
    assert.equal(status.code, 'ROLLBACK_REFUSED');
    assert.equal(down.outcome.bytesSent, 0);
    assert.ok(await flashHolds(v2.bin));
  });

  it('rolls back a build that never prints ready and reports why', async () => {
    const from = (device as QemuDevice).lines.length;
    const { outcome, events } = await deploy(service(), sign(silent.bin, silent, '3.0.0', 1, owner), silent.bin, {
      healthTimeoutMs: 3000,
    });
    const status = finalStatus(outcome);
    assert.equal(status.state, 'rolled_back');
    assert.equal(status.code, 'HEALTH_CHECK_FAILED');
    assert.match(status.reason ?? '', /no UART line matched .*ready.* within 3 s/);
    assert.deepEqual(states(events).slice(-3), ['rebooting', 'confirming', 'rolled_back']);
    const dev = device as QemuDevice;
    assert.ok(
      dev.lines.some((l) => /u5-sensor 3\.0\.0 started/.test(l)),
      'the silent build did run',
    );
    assert.ok(await flashHolds(v1.bin), 'the original firmware is back');
    await dev.waitForLine(/u5-sensor 1\.0\.0 ready/, 10_000, from);
  });

  it('resumes after a link drop at half way and an agent restart, sending at most 1.05 × the image', async () => {
    // A 1 MiB image: the real firmware followed by random padding that it never reads.
    const big = Buffer.concat([v2.bin, randomBytes(1024 * 1024 - v2.bin.length)]);
    const signed = sign(big, v2, '2.0.0', 1, owner);
    const before = service();
    const first = await deploy(before, signed, big, { dropAfter: big.length / 2 });
    assert.equal(first.outcome.ended, 'closed');
    await before.close();
    // A new service instance = the agent process restarted; only the staged file on disk carries over.
    const second = await deploy(service(), signed, big);
    assert.equal(finalStatus(second.outcome).state, 'confirmed');
    const total = first.outcome.bytesSent + second.outcome.bytesSent;
    assert.ok(total <= 1.05 * big.length, `sent ${total} bytes for a ${big.length}-byte image`);
    assert.ok(await flashHolds(big));
  });

  it('waits while the firmware is busy and installs once it is idle', async () => {
    const dev = device as QemuDevice;
    assert.match(await dev.exec('set busy 1000'), /busy 1000/);
    const events: DeviceEvent[] = [];
    const run = deploy(service(), sign(v2.bin, v2, '2.0.0', 1, owner), v2.bin).then((r) => {
      events.push(...r.events);
      return r;
    });
    await dev.waitForLine(/^@t\d+ busy 1000$/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!dev.lines.some((l) => /2\.0\.0/.test(l)), 'nothing installed while busy');
    await dev.exec('set busy 0');
    const { outcome, events: all } = await run;
    assert.equal(finalStatus(outcome).state, 'confirmed');
    assert.ok(states(all).includes('deferred'));
    assert.ok(states(all).indexOf('deferred') < states(all).indexOf('installing'));
  });
});
