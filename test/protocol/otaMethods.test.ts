// OTA control method params: what the relay accepts from deploy clients.
import assert from 'node:assert/strict';
import {
  MAX_UPLOAD_CHUNK,
  parseCreateDeploymentParams,
  parseDeploymentId,
  parseUploadParams,
} from '../../src/protocol/otaMethods';

const sha256 = 'ab'.repeat(32);

describe('protocol/otaMethods', () => {
  it('accepts an upload chunk and decodes its data', () => {
    const r = parseUploadParams({
      sha256,
      size: 10,
      kind: 'image',
      offset: 4,
      data: Buffer.from('hello').toString('base64'),
    });
    assert.ok(r.ok);
    assert.deepEqual(r.value.data, Buffer.from('hello'));
  });

  it('refuses uploads with a bad hash, kind, offset or an oversized chunk', () => {
    const base = { sha256, size: 100_000, kind: 'image', offset: 0, data: '' };
    for (const bad of [
      { ...base, sha256: 'AB'.repeat(32) },
      { ...base, kind: 'exe' },
      { ...base, offset: 100_001 },
      { ...base, data: '***' },
      { ...base, data: Buffer.alloc(MAX_UPLOAD_CHUNK + 1).toString('base64') },
    ])
      assert.equal(parseUploadParams(bad).ok, false, JSON.stringify(bad).slice(0, 80));
  });

  it('checks deployment targets and rollout settings', () => {
    const signed = { manifest: {}, signature: '' };
    assert.ok(
      parseCreateDeploymentParams({ signed, devices: ['pump-1'], tags: [{ site: 'lab' }], rolloutPercent: 34 }).ok,
    );
    for (const bad of [
      { signed: 'x' },
      { signed, devices: ['bad name'] },
      { signed, tags: ['site=lab'] },
      { signed, rolloutPercent: 0 },
      { signed, maxFailurePercent: 101 },
      { signed, ready: '(' },
      { signed, healthTimeoutMs: 10 },
    ])
      assert.equal(parseCreateDeploymentParams(bad).ok, false, JSON.stringify(bad));
    assert.equal(parseDeploymentId({ id: '../x' }).ok, false);
  });
});
