// OTA through the whole system: a real relay, real agents on the QEMU sim, an operator uploading and deploying
// signed builds. What users notice: devices run the new version, a relay restart does not lose a rollout, a
// failing first wave stops the rollout before it reaches the rest of the fleet.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../../../src/agent/agent';
import { serveOta, type OtaServices } from '../../../src/agent/otaServices';
import { SimTarget } from '../../../src/agent/targets/sim';
import { readIdentityFile } from '../../../src/common/identityFile';
import { silentLogger } from '../../../src/common/log';
import { connectOperator, type OperatorClient } from '../../../src/link/operatorClient';
import { uploadArtifact, waitForDeployment, type DeploymentJson } from '../../../src/link/otaClient';
import type { DeviceInfo } from '../../../src/protocol/control';
import { generateIdentity, type Identity } from '../../../src/protocol/identity';
import type { SignedManifest } from '../../../src/protocol/manifest';
import { startRelay, type RunningRelay } from '../../../src/relay';
import { otaBuilds, signBuild, type Build, type OtaBuilds } from '../../agent/ota/firmwareBuilds';

interface Device {
  name: string;
  identity: Identity;
  stateDir: string;
  agent?: Agent;
  target?: SimTarget;
  ota?: OtaServices;
}

describe('OTA deployments through the relay (QEMU sim devices)', function () {
  this.timeout(180_000);
  const signer = generateIdentity();
  let builds: OtaBuilds;
  let dir: string;
  let relay: RunningRelay | undefined;
  const clients: OperatorClient[] = [];
  const devices: Device[] = [];

  async function start(): Promise<RunningRelay> {
    relay = await startRelay({ listen: '127.0.0.1:0', dataDir: path.join(dir, 'relay'), log: silentLogger });
    return relay;
  }

  async function operator(identity: Identity): Promise<OperatorClient> {
    const c = await connectOperator({ relay: (relay as RunningRelay).url, identity });
    clients.push(c);
    return c;
  }

  async function register(name: string, tags: Record<string, string>): Promise<Device> {
    const admin = await operator(readIdentityFile((relay as RunningRelay).adminKeyFile));
    const identity = generateIdentity();
    await admin.request('devices.add', { name, publicKey: identity.publicKeyText, tags });
    const d: Device = { name, identity, stateDir: fs.mkdtempSync(path.join(dir, `${name}-`)) };
    devices.push(d);
    return d;
  }

  async function run(d: Device): Promise<void> {
    const target = new SimTarget({ firmware: builds.v1.elf });
    const agent = new Agent({
      relay: (relay as RunningRelay).url,
      identity: d.identity,
      target,
      log: silentLogger,
      telemetryPollMs: 200,
    });
    d.ota = serveOta(agent, target, {
      stateDir: d.stateDir,
      trustedSigners: [signer.publicKeyText],
      log: silentLogger,
      healthTimeoutMs: 3000,
    });
    d.agent = agent;
    d.target = target;
    await agent.start();
    await agent.whenConnected();
  }

  async function halt(d: Device): Promise<void> {
    d.ota?.dispose();
    await d.agent?.stop();
    d.agent = undefined;
  }

  async function deployer(): Promise<OperatorClient> {
    const admin = await operator(readIdentityFile((relay as RunningRelay).adminKeyFile));
    const id = generateIdentity();
    await admin.request('operators.add', {
      name: `ci-${clients.length}`,
      publicKey: id.publicKeyText,
      role: 'deployer',
    });
    return operator(id);
  }

  const signed = (b: Build): SignedManifest =>
    signBuild(b, signer, { elfSha256: createHash('sha256').update(fs.readFileSync(b.elf)).digest('hex') });

  async function upload(ci: OperatorClient, b: Build): Promise<void> {
    await uploadArtifact(ci, b.bin, { kind: 'image', buildId: b.buildId });
    await uploadArtifact(ci, fs.readFileSync(b.elf), { kind: 'elf', buildId: b.buildId });
  }

  async function until(ci: OperatorClient, id: string, done: (d: DeploymentJson) => boolean): Promise<DeploymentJson> {
    for (const deadline = Date.now() + 60_000; ;) {
      const d = await ci.request<DeploymentJson>('deployments.get', { id });
      if (done(d)) return d;
      if (Date.now() > deadline) assert.fail(`deployment stuck: ${JSON.stringify(d.devices)} ${d.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async () => {
    builds = await otaBuilds();
  });
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-deploy-it-'));
    await start();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const d of devices.splice(0)) await halt(d);
    await relay?.close();
    relay = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploys a signed build to the devices with a tag, and the fleet view shows the new version', async () => {
    const pump = await register('pump-1', { site: 'lab' });
    await register('gate-1', { site: 'field' });
    await run(pump);
    const ci = await deployer();
    await upload(ci, builds.v2);
    const created = await ci.request<DeploymentJson>('deployments.create', {
      signed: signed(builds.v2),
      tags: [{ site: 'lab' }],
    });
    assert.deepEqual(created.waves, [['pump-1']]);
    const done = await waitForDeployment(ci, created.id, undefined, 500);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.devices));
    assert.equal(done.devices['pump-1'].state, 'confirmed');
    for (const deadline = Date.now() + 10_000; ;) {
      const list = await ci.request<DeviceInfo[]>('devices.list');
      const info = list.find((x) => x.name === 'pump-1');
      if (info?.firmwareVersion === '2.0.0' && info.buildId === builds.v2.buildId) break;
      if (Date.now() > deadline) assert.fail(`fleet view still shows ${JSON.stringify(info)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const again = await ci.request<{ stored: boolean }>('artifacts.status', {
      sha256: createHash('sha256').update(builds.v2.bin).digest('hex'),
    });
    assert.equal(again.stored, true);
  });

  it('refuses a deployment whose image was not uploaded or whose signature is broken', async () => {
    await register('pump-1', {});
    const ci = await deployer();
    await assert.rejects(
      ci.request('deployments.create', { signed: signed(builds.v2), devices: ['pump-1'] }),
      /upload the image/,
    );
    await upload(ci, builds.v2);
    const s = signed(builds.v2);
    const broken = { ...s, manifest: { ...s.manifest, version: '9.9.9' } };
    await assert.rejects(ci.request('deployments.create', { signed: broken, devices: ['pump-1'] }), /signature/);
    await assert.rejects(ci.request('deployments.create', { signed: s, devices: ['nope'] }), /no device named nope/);
  });

  it('resumes a deployment after the relay restarts, once the device comes online', async () => {
    const pump = await register('pump-1', {});
    const ci = await deployer();
    await upload(ci, builds.v2);
    const created = await ci.request<DeploymentJson>('deployments.create', {
      signed: signed(builds.v2),
      devices: ['pump-1'],
    });
    assert.equal(created.devices['pump-1'].state, 'pending');
    for (const c of clients.splice(0)) c.close();
    await (relay as RunningRelay).close();
    await start();
    await run(pump);
    const ci2 = await operator(readIdentityFile((relay as RunningRelay).adminKeyFile));
    const done = await until(ci2, created.id, (d) => d.status !== 'running');
    assert.equal(done.status, 'succeeded', JSON.stringify(done.devices));
    assert.deepEqual(pump.target?.firmware().version, '2.0.0');
  });

  it('pauses a staged rollout when its first wave fails, leaving the rest of the fleet alone, then aborts', async () => {
    const a = await register('a-node', { fleet: 'x' });
    const b = await register('b-node', { fleet: 'x' });
    await run(a);
    await run(b);
    const ci = await deployer();
    await upload(ci, builds.silent);
    const created = await ci.request<DeploymentJson>('deployments.create', {
      signed: signed(builds.silent),
      tags: [{ fleet: 'x' }],
      rolloutPercent: 50,
      healthTimeoutMs: 3000,
    });
    assert.deepEqual(created.waves, [['a-node'], ['b-node']]);
    const paused = await until(ci, created.id, (d) => d.status === 'paused');
    assert.equal(paused.devices['a-node'].state, 'rolled_back');
    assert.match(paused.statusReason ?? '', /health gate: 1 of 1 devices in wave 1 failed/);
    assert.equal(paused.devices['b-node'].state, 'pending');
    assert.equal(b.target?.firmware().version, '1.0.0');
    assert.equal(a.target?.firmware().version, '1.0.0', 'the failed device was rolled back');
    const aborted = await ci.request<DeploymentJson>('deployments.abort', { id: created.id });
    assert.equal(aborted.status, 'aborted');
    assert.equal(aborted.devices['b-node'].state, 'canceled');
    await assert.rejects(ci.request('deployments.resume', { id: created.id }), /already finished/);
  });
});
