// Whose firmware signatures the demo's devices accept: the demo's signing key (CLI `outpost deploy --sign-key`)
// and the editor's operator key, which VS Code's Deploy OTA signs with.
import type { Identity } from '../../protocol/identity';

/**
 * The public keys the simulated devices trust (agent --trust). Without the editor's key, every deploy from the
 * demo's VS Code would be refused by the devices as UNTRUSTED_SIGNER.
 */
export function demoTrustedSigners(editor: Identity, signing: Identity): string[] {
  return [signing.publicKeyText, editor.publicKeyText];
}
