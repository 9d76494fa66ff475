// "Deploy OTA" from the extension against a real relay: the sample firmware signed, uploaded and rolled out.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RelayError } from '../../src/link/errors';
import type { OperatorClient } from '../../src/link/operatorClient';
import { verifyManifest } from '../../src/protocol/manifest';
import type { Identity } from '../../src/protocol/identity';
import { deployBuild, type DeployProgress } from '../../src/extension/deployBuild';
import { DeploymentsModel } from '../../src/extension/deploymentsModel';
import { buildFirmware } from '../debug/harness';
import { startRelayFixture, type RelayFixture } from '../helpers/relayFixture';

describe('deploying a build from the extension (real relay)', function () {
  this.timeout(120_000);
  let fx: RelayFixture;
  let elf: string;
  let deployer: Identity;
  let client: OperatorClient;

  before(async () => {
    ({ elf } = await buildFirmware());
    fx = await startRelayFixture();
    await fx.addDevice('sensor-01');
    await fx.addDevice('sensor-02');
    deployer = await fx.addOperator('dana', 'deployer');
    client = await fx.operator(deployer);
  });
  after(async () => fx?.close());

  it('signs the build with the operator key, uploads it and creates a staged deployment the view shows', async () => {
    const steps: DeployProgress['step'][] = [];
    const created = await deployBuild(
      client,
      elf,
      deployer,
      { devices: ['sensor-01', 'sensor-02'], tags: [], rolloutPercent: 50 },
      (p) => steps.push(p.step),
    );
    assert.deepEqual([...new Set(steps)], ['signing', 'uploading', 'creating']);
    assert.deepEqual(created.waves.flat().sort(), ['sensor-01', 'sensor-02']);
    assert.equal(created.waves.length, 2);

    const verified = verifyManifest(created.signed, [deployer.publicKeyText]);
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.equal(verified.value.version, '1.0.0');
    assert.equal(verified.value.elfSha256, createHash('sha256').update(readFileSync(elf)).digest('hex'));
    const status = await client.request<{ stored: boolean }>('artifacts.status', {
      sha256: verified.value.imageSha256,
    });
    assert.equal(status.stored, true);

    const model = new DeploymentsModel();
    model.reset(await client.request<unknown[]>('deployments.list'));
    const row = model.rows().find((r) => r.deploymentId === created.id);
    assert.ok(row, 'the deployment is listed');
    assert.equal(row.label, '1.0.0');
    assert.match(row.description, /^running · wave 1\/2 · 0\/2 confirmed/);
  });

  it('is refused for a role that may not deploy', async () => {
    const viewer = await fx.addOperator('vic', 'debugger');
    const viewerClient = await fx.operator(viewer);
    await assert.rejects(
      deployBuild(viewerClient, elf, viewer, { devices: ['sensor-01'], tags: [] }),
      (err: unknown) => err instanceof RelayError && err.code === 'FORBIDDEN',
    );
  });
});
