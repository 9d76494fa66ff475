// "Deploy OTA" from the editor: sign a PlatformIO build, upload it to the relay, create the deployment.
import { createHash } from 'node:crypto';
import { uploadArtifact, type DeploymentJson } from '../link/otaClient';
import type { OperatorClient } from '../link/operatorClient';
import { signManifest, type SignedManifest } from '../protocol/manifest';
import type { Identity } from '../protocol/identity';
import { releaseFromElf } from '../platformio/release';

/** Who gets the build, and how fast. */
export interface DeployTargets {
  readonly devices: readonly string[];
  readonly tags: readonly Record<string, string>[];
  /** First wave size in percent; all at once when absent. */
  readonly rolloutPercent?: number;
}

/** Steps the user is told about. */
export type DeployProgress =
  | { readonly step: 'signing' }
  | { readonly step: 'uploading'; readonly received: number; readonly size: number }
  | { readonly step: 'creating' };

/** A build that cannot be deployed as it is; the message says what the firmware must state. */
export class ReleaseIncomplete extends Error {
  override readonly name = 'ReleaseIncomplete';
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Signs the build in `elfPath` with `signer` (devices install it only when they trust that key: agent --trust)
 * and returns the manifest with the image and ELF bytes. Throws ReleaseIncomplete when the ELF does not say its
 * version, board or build id (the sample firmware keeps them in fw_version, board_name and the GNU build id).
 */
export async function signBuild(
  elfPath: string,
  signer: Identity,
): Promise<{ signed: SignedManifest; image: Buffer; elf: Buffer }> {
  const release = await releaseFromElf(elfPath);
  const missing = [
    !release.version && 'its version (fw_version)',
    !release.board && 'its board (board_name)',
    !release.buildId && 'a GNU build id (link with -Wl,--build-id)',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) {
    throw new ReleaseIncomplete(
      `${elfPath} does not state ${missing.join(', ')}; devices need them to accept an update (or deploy with \`outpost deploy --version/--board/--build-id\`)`,
    );
  }
  const signed = signManifest(
    {
      imageSha256: sha256(release.image),
      imageSize: release.image.length,
      buildId: release.buildId as string,
      version: release.version as string,
      board: release.board as string,
      antiRollback: 0,
      elfSha256: sha256(release.elf),
      loadAddress: release.loadAddress,
    },
    signer,
  );
  return { signed, image: release.image, elf: release.elf };
}

/**
 * The whole deploy: sign, upload the image and the ELF (resuming an earlier partial upload, skipping what the
 * relay has), then `deployments.create`. Resolves with the new deployment as the relay reports it.
 */
export async function deployBuild(
  client: OperatorClient,
  elfPath: string,
  signer: Identity,
  targets: DeployTargets,
  progress: (p: DeployProgress) => void = () => undefined,
): Promise<DeploymentJson> {
  progress({ step: 'signing' });
  const { signed, image, elf } = await signBuild(elfPath, signer);
  const buildId = signed.manifest.buildId;
  await uploadArtifact(client, image, { kind: 'image', buildId }, (received, size) =>
    progress({ step: 'uploading', received, size }),
  );
  await uploadArtifact(client, elf, { kind: 'elf', buildId });
  progress({ step: 'creating' });
  return client.request<DeploymentJson>('deployments.create', {
    signed,
    devices: [...targets.devices],
    tags: [...targets.tags],
    ...(targets.rolloutPercent !== undefined && { rolloutPercent: targets.rolloutPercent }),
  });
}
