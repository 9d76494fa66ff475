// Deployments in control replies: whole when they fit one frame, else the progress an operator is watching.
import assert from 'node:assert/strict';
import { generateIdentity } from '../../../src/protocol/identity';
import { signManifest } from '../../../src/protocol/manifest';
import { applyEvent, createDeployment, defaultSettings } from '../../../src/relay/ota/deployment';
import { deploymentView, fitList, VIEW_BUDGET } from '../../../src/relay/ota/deploymentView';

const now = new Date('2025-03-01T00:00:00Z');
const signed = signManifest(
  { imageSha256: '3c'.repeat(32), imageSize: 100, buildId: 'b', version: '1', board: 'x', antiRollback: 0 },
  generateIdentity(),
);

function fleet(n: number) {
  const names = Array.from({ length: n }, (_, i) => `device-with-a-long-name-${String(i).padStart(4, '0')}`);
  return createDeployment(
    { id: 'd1', createdBy: 'ci', signed, waves: [names.slice(0, 5), names.slice(5)], settings: defaultSettings },
    now,
  );
}

describe('relay/ota/deploymentView', () => {
  it('sends a deployment unchanged when it fits', () => {
    const d = fleet(10);
    assert.equal(deploymentView(d), d);
  });

  it('keeps every wave name and the active devices of the current wave when the whole does not fit', () => {
    let d = fleet(400);
    d = applyEvent(d, d.waves[0][2], { type: 'bytes', offset: 50 }, now);
    const view = deploymentView(d);
    assert.equal(view.truncated, true);
    assert.ok(Buffer.byteLength(JSON.stringify(view)) <= VIEW_BUDGET);
    assert.equal(view.waves.flat().length, 400);
    assert.equal(view.devices[d.waves[0][2]].state, 'downloading');
  });

  it('lists as many deployments as fit one reply', () => {
    const list = Array.from({ length: 100 }, (_, i) => ({ ...fleet(3), id: `d${i}` }));
    const fitted = fitList(list);
    assert.ok(fitted.length > 1 && fitted.length < 100);
    assert.deepEqual(
      fitted.map((d) => d.id),
      list.slice(0, fitted.length).map((d) => d.id),
    );
    assert.ok(Buffer.byteLength(JSON.stringify(fitted)) <= VIEW_BUDGET);
  });
});
