// Deployments as values: waves advance on success, the health gate pauses, operators pause/resume/abort.
import assert from 'node:assert/strict';
import { generateIdentity } from '../../../src/protocol/identity';
import { signManifest } from '../../../src/protocol/manifest';
import {
  abortDeployment,
  applyEvent,
  createDeployment,
  defaultSettings,
  dueDevices,
  inFlightDevices,
  isFinished,
  pauseDeployment,
  resumeDeployment,
  summarize,
  type Deployment,
} from '../../../src/relay/ota/deployment';
import type { DeviceEvent } from '../../../src/relay/ota/deviceState';

const now = new Date('2025-02-01T10:00:00Z');
const signed = signManifest(
  { imageSha256: '1a'.repeat(32), imageSize: 10, buildId: 'b1', version: '1', board: 'mps2-an505', antiRollback: 0 },
  generateIdentity(),
);

function make(waves: string[][], maxFailurePercent = 0): Deployment {
  return createDeployment(
    { id: 'dep1', createdBy: 'ci', signed, waves, settings: { ...defaultSettings, maxFailurePercent } },
    now,
  );
}

const confirmed: DeviceEvent = { type: 'status', state: 'confirmed' };
const rolledBack: DeviceEvent = { type: 'status', state: 'rolled_back', code: 'HEALTH_CHECK_FAILED', reason: 'x' };

describe('relay/ota/deployment', () => {
  it('rolls out wave by wave and succeeds when every device confirms', () => {
    let d = make([['a'], ['b', 'c']]);
    assert.deepEqual(dueDevices(d), ['a']);
    d = applyEvent(d, 'a', { type: 'dispatched' }, now);
    d = applyEvent(d, 'a', { type: 'bytes', offset: 4 }, now);
    assert.deepEqual(dueDevices(d), []);
    assert.deepEqual(inFlightDevices(d), ['a']);
    d = applyEvent(d, 'a', confirmed, now);
    assert.equal(d.currentWave, 1);
    assert.deepEqual(dueDevices(d), ['b', 'c']);
    d = applyEvent(applyEvent(d, 'b', confirmed, now), 'c', confirmed, now);
    assert.equal(d.status, 'succeeded');
    assert.ok(isFinished(d));
    assert.deepEqual(summarize(d), { total: 3, pending: 0, inProgress: 0, confirmed: 3, failed: 0, canceled: 0 });
  });

  it('pauses at the health gate, holds the next wave, and lets it through on resume', () => {
    let d = make([['a', 'b'], ['c']], 40);
    d = applyEvent(d, 'a', rolledBack, now);
    assert.equal(d.status, 'paused');
    assert.match(d.statusReason ?? '', /health gate: 1 of 2 devices in wave 1 failed \(limit 40%\)/);
    assert.deepEqual(dueDevices(d), []);
    d = applyEvent(d, 'b', confirmed, now);
    assert.equal(d.currentWave, 0, 'a paused deployment does not start the next wave');
    const resumed = resumeDeployment(d, now);
    assert.ok(resumed);
    assert.equal(resumed.status, 'running');
    assert.deepEqual(dueDevices(resumed), ['c']);
    const done = applyEvent(resumed, 'c', confirmed, now);
    assert.equal(done.status, 'failed');
    assert.match(done.statusReason ?? '', /1 of 3 devices failed/);
  });

  it('tolerates failures up to the threshold', () => {
    let d = make([['a', 'b', 'c', 'd'], ['e']], 25);
    d = applyEvent(d, 'a', { type: 'status', state: 'failed', code: 'HASH_MISMATCH' }, now);
    assert.equal(d.status, 'running');
    for (const n of ['b', 'c', 'd']) d = applyEvent(d, n, confirmed, now);
    assert.deepEqual(dueDevices(d), ['e']);
  });

  it('stops dispatching while paused but keeps recording devices already updating', () => {
    let d = applyEvent(make([['a', 'b']]), 'a', { type: 'bytes', offset: 1 }, now);
    d = pauseDeployment(d, 'paused by alice', now) ?? assert.fail();
    assert.deepEqual(dueDevices(d), []);
    assert.deepEqual(inFlightDevices(d), ['a']);
    d = applyEvent(d, 'a', confirmed, now);
    assert.equal(d.devices.a.state, 'confirmed');
    assert.equal(d.status, 'paused');
  });

  it('aborts: cancels what has not started and returns downloads to cancel, leaving installs alone', () => {
    let d = make([['a', 'b', 'c', 'd']]);
    d = applyEvent(d, 'a', { type: 'bytes', offset: 3 }, now);
    d = applyEvent(d, 'b', { type: 'status', state: 'installing' }, now);
    d = applyEvent(d, 'c', confirmed, now);
    const t = abortDeployment(d, 'aborted by alice', now) ?? assert.fail();
    assert.deepEqual(t.cancel, ['a']);
    assert.equal(t.deployment.devices.d.state, 'canceled');
    assert.equal(t.deployment.status, 'aborted');
    assert.ok(!isFinished(t.deployment));
    let after = applyEvent(t.deployment, 'a', { type: 'status', state: 'failed', code: 'CANCELED' }, now);
    after = applyEvent(after, 'b', confirmed, now);
    assert.equal(after.devices.a.state, 'canceled');
    assert.equal(after.devices.b.state, 'confirmed');
    assert.ok(isFinished(after));
    assert.equal(pauseDeployment(after, 'x', now), undefined);
    assert.equal(abortDeployment(after, 'x', now), undefined);
  });

  it('ignores events for devices outside the deployment', () => {
    const d = make([['a']]);
    assert.equal(applyEvent(d, 'zz', confirmed, now), d);
  });
});
