// Rollout data for the dashboard, from the deployment value the relay itself keeps and publishes.
import assert from 'node:assert/strict';
import { parseDeployment, type Deployment } from '../../../src/extension/deploymentJson';
import { rolloutView, rolloutViews } from '../../../src/extension/dashboard/rolloutView';
import type { SignedManifest } from '../../../src/protocol/manifest';
import { applyEvent, createDeployment, defaultSettings } from '../../../src/relay/ota/deployment';
import type { DeviceEvent } from '../../../src/relay/ota/deviceState';

const SIGNED = {
  manifest: { version: '2.0.1', buildId: 'b1d', imageSha256: 'ef'.repeat(32), imageSize: 65536 },
  signature: 'sig',
} as unknown as SignedManifest;
const AT = new Date('2025-06-01T10:00:05Z');

/** The relay's deployment after the given device events, as it arrives in deployment.updated (JSON). */
function relayDeployment(
  id: string,
  waves: string[][],
  events: Array<[string, DeviceEvent]>,
  createdAt = '2025-06-01T10:00:00Z',
): Deployment {
  let d = createDeployment(
    { id, createdBy: 'ana', signed: SIGNED, waves, settings: { ...defaultSettings, rolloutPercent: 25 } },
    new Date(createdAt),
  );
  for (const [device, ev] of events) d = applyEvent(d, device, ev, AT);
  return parseDeployment(JSON.parse(JSON.stringify(d)))!;
}

describe('dashboard rollout view', () => {
  it('counts devices by state per wave and for the whole rollout, with the wave being rolled out', () => {
    const dep = relayDeployment(
      'dep-1',
      [
        ['s-1', 's-2'],
        ['s-3', 's-4', 's-5', 's-6'],
      ],
      [
        ['s-1', { type: 'dispatched' }],
        ['s-1', { type: 'bytes', offset: 16384 }],
        ['s-2', { type: 'dispatched' }],
        ['s-2', { type: 'status', state: 'verifying' }],
      ],
    );
    const v = rolloutView(dep);
    assert.equal(v.artifact, '2.0.1');
    assert.equal(v.state, 'running');
    assert.equal(v.size, 6);
    assert.equal(v.currentWave, 1);
    assert.deepEqual(
      v.waves.map((w) => [w.number, w.size, w.counts.downloading, w.counts.verifying, w.counts.pending]),
      [
        [1, 2, 1, 1, 0],
        [2, 4, 0, 0, 4],
      ],
    );
    assert.equal(v.counts.pending, 4);
  });

  it('gives each device its progress in bytes and as a fraction, full once past the transfer', () => {
    const dep = relayDeployment(
      'dep-2',
      [['s-1', 's-2', 's-3']],
      [
        ['s-1', { type: 'dispatched' }],
        ['s-1', { type: 'bytes', offset: 16384 }],
        ['s-2', { type: 'dispatched' }],
        ['s-2', { type: 'status', state: 'installing' }],
      ],
    );
    const [wave] = rolloutView(dep).waves;
    assert.deepEqual(
      wave.devices.map((d) => [d.device, d.state, d.bytes, d.total, d.fraction]),
      [
        ['s-1', 'downloading', 16384, 65536, 0.25],
        ['s-2', 'installing', 0, 65536, 1],
        ['s-3', 'pending', 0, 65536, undefined],
      ],
    );
    assert.equal(wave.devices[0].text, 'downloading 25% (16.0 KiB of 64.0 KiB)');
  });

  it("keeps a failed device's reason", () => {
    const dep = relayDeployment(
      'dep-3',
      [['s-1']],
      [
        ['s-1', { type: 'dispatched' }],
        ['s-1', { type: 'status', state: 'failed', reason: 'the manifest signature does not verify' }],
      ],
    );
    const v = rolloutView(dep);
    assert.equal(v.waves[0].devices[0].reason, 'the manifest signature does not verify');
    assert.equal(v.counts.failed, 1);
    assert.equal(v.currentWave, undefined, 'nothing left to roll out');
  });

  it('shows running and paused rollouts first, then the newest finished, within the limit', () => {
    const done = (id: string, at: string): Deployment => ({
      ...relayDeployment(id, [['x']], [], at),
      state: 'succeeded',
    });
    const running = relayDeployment('run', [['x']], [], '2025-05-01T00:00:00Z');
    const list = [
      done('old', '2025-05-02T00:00:00Z'),
      running,
      done('new', '2025-06-02T00:00:00Z'),
      done('mid', '2025-05-20T00:00:00Z'),
    ];
    assert.deepEqual(
      rolloutViews(list, { maxRollouts: 3, maxDevicesPerWave: 50 }).map((r) => r.id),
      ['run', 'new', 'mid'],
    );
  });

  it('lists only the first devices of a large wave but counts them all', () => {
    const names = Array.from({ length: 120 }, (_, i) => `s-${i}`);
    const v = rolloutView(relayDeployment('big', [names], []), { maxRollouts: 8, maxDevicesPerWave: 50 });
    assert.equal(v.waves[0].devices.length, 50);
    assert.equal(v.waves[0].hiddenDevices, 70);
    assert.equal(v.waves[0].counts.pending, 120);
  });
});
