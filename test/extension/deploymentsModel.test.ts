// The Deployments view: rollouts, waves and per-device OTA progress read from relay JSON.
import assert from 'node:assert/strict';
import { applyEvent, createDeployment, defaultSettings } from '../../src/relay/ota/deployment';
import type { SignedManifest } from '../../src/protocol/manifest';
import { DeploymentsModel, describeUpdate } from '../../src/extension/deploymentsModel';

const staged = {
  id: 'dep-42',
  state: 'running',
  createdAt: '2025-06-01T10:00:00Z',
  createdBy: 'ci-release',
  artifact: { version: '1.5.0', sha256: 'ab'.repeat(32), size: 1048576 },
  waves: [
    {
      percent: 10,
      devices: [
        { device: 'tracker-1', state: 'confirmed' },
        { device: 'tracker-2', state: 'rolled_back', reason: 'the new firmware did not report ready in time' },
      ],
    },
    {
      percent: 90,
      devices: [
        { device: 'tracker-3', state: 'downloading', bytes: 471860, total: 1048576 },
        { device: 'tracker-4', state: 'pending' },
        { device: 'tracker-5', state: 'exploded' },
      ],
    },
  ],
};

describe('deployments model', () => {
  it('shows a staged rollout with its current wave and counts', () => {
    const model = new DeploymentsModel();
    model.reset([staged]);
    const [row] = model.rows();
    assert.equal(row.label, '1.5.0');
    assert.equal(row.description, 'running · wave 2/2 · 1/4 confirmed · 1 failed');
    assert.equal(row.contextValue, 'outpost.deployment.running');
    assert.deepEqual(
      row.children.map((w) => [w.label, w.description]),
      [
        ['Wave 1 (10%)', '1/2 confirmed · 1 failed'],
        ['Wave 2 (90%)', '0/2 confirmed'],
      ],
    );
  });

  it('describes each device: download progress, rollback reason; drops states it does not know', () => {
    const model = new DeploymentsModel();
    model.reset([staged]);
    const [wave1, wave2] = model.rows()[0].children;
    assert.deepEqual(
      [...wave1.children, ...wave2.children].map((d) => [d.device, d.description, d.icon.id]),
      [
        ['tracker-1', 'confirmed', 'pass-filled'],
        ['tracker-2', 'rolled back: the new firmware did not report ready in time', 'history'],
        ['tracker-3', 'downloading 45% (460.8 KiB of 1.0 MiB)', 'cloud-download'],
        ['tracker-4', 'pending', 'circle-large-outline'],
      ],
    );
    assert.equal(wave2.children[0].contextValue, 'outpost.deploymentDevice');
  });

  it('lists the devices of a single-wave deployment directly and names a failure', () => {
    const model = new DeploymentsModel();
    model.reset([
      {
        id: 'dep-7',
        state: 'failed',
        sha256: 'c0ffee'.repeat(10) + 'abcd',
        devices: [{ name: 'bench-1', state: 'failed', reason: 'the manifest signature does not verify' }],
      },
    ]);
    const [row] = model.rows();
    assert.equal(row.label, 'c0ffeec0ffee');
    assert.equal(row.description, 'failed · 0/1 confirmed · 1 failed');
    assert.deepEqual(
      row.children.map((c) => c.description),
      ['failed: the manifest signature does not verify'],
    );
  });

  it('updates from deployment events, newest first, and ignores JSON without an id', () => {
    const model = new DeploymentsModel();
    let changes = 0;
    model.onDidChange(() => changes++);
    model.reset([staged]);
    assert.equal(model.upsert({ ...staged, id: 'dep-43', createdAt: '2025-06-02T08:00:00Z', state: 'paused' }), true);
    assert.equal(model.upsert({ state: 'running' }), false);
    assert.deepEqual(
      model.rows().map((r) => [r.deploymentId, r.contextValue]),
      [
        ['dep-43', 'outpost.deployment.paused'],
        ['dep-42', 'outpost.deployment.running'],
      ],
    );
    model.remove('dep-42');
    assert.equal(model.rows().length, 1);
    assert.equal(changes, 3);
  });

  it('reads the deployment value the relay keeps (waves of names, per-device progress, signed manifest)', () => {
    const signed = {
      manifest: { version: '2.0.1', buildId: 'b1d', imageSha256: 'ef'.repeat(32), imageSize: 65536 },
      signature: 'sig',
    } as unknown as SignedManifest;
    const relayValue = createDeployment(
      {
        id: 'dep-9',
        createdBy: 'ana',
        signed,
        waves: [['tracker-1'], ['tracker-2', 'tracker-3']],
        settings: { ...defaultSettings, rolloutPercent: 30 },
      },
      new Date('2025-06-01T10:00:00Z'),
    );
    const at = new Date('2025-06-01T10:00:05Z');
    const dispatched = applyEvent(relayValue, 'tracker-1', { type: 'dispatched' }, at);
    const halfway = applyEvent(dispatched, 'tracker-1', { type: 'bytes', offset: 32768 }, at);
    const model = new DeploymentsModel();
    model.reset([JSON.parse(JSON.stringify(halfway))]);
    const [row] = model.rows();
    assert.equal(row.label, '2.0.1');
    assert.equal(row.children[0].children[0].description, 'downloading 50% (32.0 KiB of 64.0 KiB)');
    assert.match(row.description, /^running · wave 1\/2 · 0\/3 confirmed/);
    assert.deepEqual(
      row.children.map((w) => [w.label, w.children.map((d) => d.device)]),
      [
        ['Wave 1 (33%)', ['tracker-1']],
        ['Wave 2 (67%)', ['tracker-2', 'tracker-3']],
      ],
    );
  });

  it('says what a deferred update waits for', () => {
    assert.equal(describeUpdate({ device: 'x', state: 'deferred', reason: 'battery low' }), 'deferred: battery low');
    assert.equal(describeUpdate({ device: 'x', state: 'downloading' }), 'downloading');
  });
});
