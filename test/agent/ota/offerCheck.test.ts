// What a device refuses before downloading: bad signatures, unpinned signers, other boards, downgrades, oversize.
import assert from 'node:assert/strict';
import { checkOffer, type DevicePolicy } from '../../../src/agent/ota/offerCheck';
import { generateIdentity } from '../../../src/protocol/identity';
import { signManifest, type ManifestFields } from '../../../src/protocol/manifest';

const owner = generateIdentity();
const stranger = generateIdentity();
const fields: ManifestFields = {
  imageSha256: '5e'.repeat(32),
  imageSize: 8000,
  buildId: 'f00d',
  version: '2.0.0',
  board: 'stm32u5-sim',
  antiRollback: 5,
};
const policy: DevicePolicy = {
  trustedSigners: [owner.publicKeyText],
  board: 'stm32u5-sim',
  antiRollbackFloor: 5,
  maxImageSize: 4 * 1024 * 1024,
};

function verdict(f: Partial<ManifestFields>, p: Partial<DevicePolicy> = {}, signer = owner): string {
  const res = checkOffer(signManifest({ ...fields, ...f }, signer), { ...policy, ...p });
  return res.ok ? 'ok' : res.code;
}

describe('agent/ota/offerCheck', () => {
  it('accepts a signed image for this board at the same counter', () => {
    assert.equal(verdict({}), 'ok');
    assert.equal(verdict({ antiRollback: 6 }), 'ok');
  });

  it('refuses a signer the device does not pin', () => {
    assert.equal(verdict({}, {}, stranger), 'UNTRUSTED_SIGNER');
    assert.equal(verdict({}, { trustedSigners: [] }), 'NO_TRUSTED_SIGNERS');
  });

  it('refuses a manifest altered after signing, before believing any field', () => {
    const signed = signManifest({ ...fields, board: 'nucleo-u575zi-q' }, owner);
    const res = checkOffer({ ...signed, manifest: { ...signed.manifest, board: 'stm32u5-sim' } }, policy);
    assert.equal(res.ok ? 'ok' : res.code, 'BAD_SIGNATURE');
  });

  it('refuses other boards, downgrades and images larger than flash', () => {
    assert.equal(verdict({ board: 'nucleo-u575zi-q' }), 'BOARD_MISMATCH');
    assert.equal(verdict({}, { board: undefined }), 'BOARD_MISMATCH');
    assert.equal(verdict({ antiRollback: 4 }), 'ROLLBACK_REFUSED');
    assert.equal(verdict({ imageSize: 5 * 1024 * 1024 }), 'IMAGE_TOO_LARGE');
  });
});
