// kill -9 of the relay, the agent or QEMU half way through an OTA transfer, or while the device installs: the
// deployment ends or resumes (never stuck), the device runs the old or the new build and never half an image, the
// relay's store stays consistent. The image is 1 MiB behind a 256 KiB/s link so there is a half way to strike at.
import assert from 'node:assert/strict';
import type { DeploymentJson } from '../../src/link/otaClient';
import { otaBuilds, type OtaBuilds } from '../agent/ota/firmwareBuilds';
import { assertStoreConsistent, runningBuild, runsOn, settles } from './support/checks';
import { KillFleet } from './support/killFleet';
import { SimProcess } from './support/simProcess';
import { ThrottledLink } from './support/throttledLink';
import { kill9, whenDeviceState } from './support/strike';

const IMAGE_SIZE = 1024 * 1024;
const LINK_BYTES_PER_SECOND = 256 * 1024;

describe('reliability: kill -9 during an OTA deployment (relay, agent, QEMU processes)', function () {
  this.timeout(240_000);
  let fleet: KillFleet;
  let builds: OtaBuilds;
  let link: ThrottledLink;
  let sim: SimProcess | undefined;

  before(async () => {
    [fleet, builds] = await Promise.all([KillFleet.start(), otaBuilds()]);
    link = await ThrottledLink.start(fleet.relay.port, LINK_BYTES_PER_SECOND);
  });
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  after(async () => {
    await link?.close();
    if (!fleet) return;
    await fleet.stopRelay();
    assertStoreConsistent(fleet.relay.dataDir);
    await fleet.close();
  });

  /** A device running v1 behind the link, and a deployment of the 1 MiB v2 image to it. */
  async function deploying(name: string): Promise<{ s: SimProcess; id: string }> {
    const device = await fleet.addDevice(name);
    sim = await SimProcess.start(device, {
      relay: link.url,
      firmware: builds.v1.elf,
      trust: [fleet.signer.publicKeyText],
    });
    await runsOn(fleet, name);
    link.reset();
    const { created } = await fleet.deploy(builds.v2, name, IMAGE_SIZE);
    return { s: sim, id: created.id };
  }

  /** The device's outcome and the build it runs agree: confirmed runs v2, rolled back runs v1. */
  async function wholeBuild(d: DeploymentJson, name: string): Promise<string> {
    const state = d.devices[name]!.state;
    const build = await runningBuild(fleet, name);
    const expected = state === 'confirmed' ? builds.v2.buildId : builds.v1.buildId;
    assert.ok(['confirmed', 'rolled_back'].includes(state), `${name} ended ${state}: ${d.devices[name]!.reason}`);
    assert.equal(build, expected, `${name} ${state} runs ${build}`);
    return state;
  }

  /** The transfer resumed from the staged bytes rather than starting over (cellular data is paid by the byte). */
  function resumed(): void {
    assert.ok(link.downBytes < 1.5 * IMAGE_SIZE, `${link.downBytes} bytes sent for a ${IMAGE_SIZE}-byte image`);
  }

  it('kill -9 relay mid-OTA-transfer: the deployment resumes after the restart and the device confirms the new build', async () => {
    const { id } = await deploying('relay-transfer');
    await link.waitForBytes(IMAGE_SIZE / 2);
    await fleet.killRelay();
    await fleet.restartRelay();
    const done = await settles(fleet, id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.devices));
    assert.equal(await wholeBuild(done, 'relay-transfer'), 'confirmed');
    resumed();
    await runsOn(fleet, 'relay-transfer');
  });

  it('kill -9 relay mid-install: the device finishes offline, reports after the restart, and the deployment succeeds', async () => {
    const { id } = await deploying('relay-install');
    await whenDeviceState(fleet.admin, id, 'relay-install', ['installing', 'rebooting']);
    await fleet.killRelay();
    await fleet.restartRelay();
    const done = await settles(fleet, id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.devices));
    assert.equal(await wholeBuild(done, 'relay-install'), 'confirmed');
    await runsOn(fleet, 'relay-install');
  });

  it('kill -9 agent mid-OTA-transfer: the restarted agent resumes the download and confirms the new build', async () => {
    const { s, id } = await deploying('agent-transfer');
    await link.waitForBytes(IMAGE_SIZE / 2);
    await s.kill();
    await s.restart();
    const done = await settles(fleet, id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.devices));
    assert.equal(await wholeBuild(done, 'agent-transfer'), 'confirmed');
    resumed();
    await runsOn(fleet, 'agent-transfer');
  });

  it('kill -9 agent mid-install: the restarted agent boots the old build, reports the update rolled back, and the deployment ends', async () => {
    const { s, id } = await deploying('agent-install');
    await whenDeviceState(fleet.admin, id, 'agent-install', ['installing']);
    await s.kill();
    await s.restart();
    const done = await settles(fleet, id);
    assert.equal(await wholeBuild(done, 'agent-install'), 'rolled_back');
    assert.match(done.devices['agent-install']!.reason ?? '', /agent restarted before the trial boot was confirmed/);
    assert.equal(done.status, 'failed');
    await runsOn(fleet, 'agent-install');
  });

  it('kill -9 QEMU mid-OTA-transfer: the agent restarts QEMU, the download goes on, and the device confirms the new build', async () => {
    const { s, id } = await deploying('qemu-transfer');
    await link.waitForBytes(IMAGE_SIZE / 2);
    kill9(s.qemuPid()!);
    const done = await settles(fleet, id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.devices));
    assert.equal(await wholeBuild(done, 'qemu-transfer'), 'confirmed');
    resumed();
    await runsOn(fleet, 'qemu-transfer');
  });

  it('kill -9 QEMU mid-install: the device ends on a whole build (new and confirmed, or old and rolled back) and the deployment ends', async () => {
    const { s, id } = await deploying('qemu-install');
    await whenDeviceState(fleet.admin, id, 'qemu-install', ['installing', 'rebooting']);
    const qemu = s.qemuPid();
    if (qemu) kill9(qemu);
    const done = await settles(fleet, id);
    await wholeBuild(done, 'qemu-install');
    await runsOn(fleet, 'qemu-install');
  });
});
