// The demo's devices accept what its VS Code deploys: builds signed with the editor's key, and with the signing key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { demoTrustedSigners } from '../../../src/cli/demo/demoTrust';
import { signManifest, verifyManifest } from '../../../src/protocol/manifest';
import { generateIdentity, type Identity } from '../../../src/protocol/identity';

// A manifest as Deploy OTA signs it (src/extension/deployBuild.ts signs with the connected operator identity).
function signedBy(identity: Identity): ReturnType<typeof signManifest> {
  const image = Buffer.from('firmware image');
  return signManifest(
    {
      imageSha256: createHash('sha256').update(image).digest('hex'),
      imageSize: image.length,
      buildId: 'ab'.repeat(20),
      version: '1.1.0',
      board: 'stm32u5-sim',
      antiRollback: 0,
    },
    identity,
  );
}

describe('demo: whose firmware the devices trust', () => {
  const editor = generateIdentity();
  const signing = generateIdentity();
  const trusted = demoTrustedSigners(editor, signing);

  it("accepts a build signed with the editor's operator key (Deploy OTA in the demo's VS Code)", () => {
    assert.equal(verifyManifest(signedBy(editor), trusted).ok, true);
  });

  it('accepts a build signed with the demo signing key (outpost deploy --sign-key)', () => {
    assert.equal(verifyManifest(signedBy(signing), trusted).ok, true);
  });

  it('refuses any other key', () => {
    const result = verifyManifest(signedBy(generateIdentity()), trusted);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, 'UNTRUSTED_SIGNER');
  });
});
