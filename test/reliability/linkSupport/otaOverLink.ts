// One signed OTA deployment through the relay of a LinkFleet, followed to its end, with what the relay sent for it.
import { createHash, randomBytes } from 'node:crypto';
import { readIdentityFile } from '../../../src/common/identityFile';
import { uploadArtifact, waitForDeployment, type DeploymentJson } from '../../../src/link/otaClient';
import { releaseFromElf } from '../../../src/platformio/release';
import { signManifest } from '../../../src/protocol/manifest';
import type { LinkFleet } from './linkFleet';

/** A deployment under way. */
export interface OtaUnderWay {
  id: string;
  imageSize: number;
  imageSha256: string;
  buildId: string;
  /** Every (state, bytes) the operator saw for the device, in order, without repeats. */
  seen: { state: string; bytes: number }[];
  /** Resolves once the deployment is final. */
  final: Promise<DeploymentJson>;
}

/** What the relay logged at the end of each transfer attempt (`transfer ended`). */
export interface TransferAttempt {
  ended: string;
  bytesSent: number;
  maxWindow: number;
}

/**
 * Uploads `elf`'s image (padded with random bytes to `padTo`, if larger, so a transfer lasts long enough to be
 * cut) signed with the fleet's signing key, and deploys it to `device`.
 */
export async function deployOverLink(
  fleet: LinkFleet,
  elf: string,
  device: string,
  options: { padTo?: number; healthTimeoutMs?: number } = {},
): Promise<OtaUnderWay> {
  const release = await releaseFromElf(elf);
  const pad = Math.max(0, (options.padTo ?? 0) - release.image.length);
  const image = Buffer.concat([release.image, randomBytes(pad)]);
  const imageSha256 = createHash('sha256').update(image).digest('hex');
  const buildId = release.buildId ?? '';
  const signed = signManifest(
    {
      imageSha256,
      imageSize: image.length,
      buildId,
      version: release.version ?? '0.0.0',
      board: release.board ?? 'stm32u5-sim',
      antiRollback: 0,
    },
    readIdentityFile(fleet.signKey),
  );
  await uploadArtifact(fleet.admin, image, { kind: 'image', buildId });
  const created = await fleet.admin.request<DeploymentJson>('deployments.create', {
    signed,
    devices: [device],
    tags: [],
    healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
  });
  const seen: OtaUnderWay['seen'] = [];
  const final = waitForDeployment(
    fleet.admin,
    created.id,
    (d) => {
      const p = d.devices[device];
      const last = seen.at(-1);
      if (p && (last?.state !== p.state || last.bytes !== p.bytes)) seen.push({ state: p.state, bytes: p.bytes });
    },
    1000,
  );
  return { id: created.id, imageSize: image.length, imageSha256, buildId, seen, final };
}

/** The transfer attempts the relay logged for deployment `id` (from its JSON log on stderr). */
export function transferAttempts(fleet: LinkFleet, id: string): TransferAttempt[] {
  return fleet.relayOutput.stderr
    .split('\n')
    .filter((l) => l.includes('"transfer ended"'))
    .map((l) => JSON.parse(l) as TransferAttempt & { id: string })
    .filter((t) => t.id === id);
}

/** Resolves once the operator has seen `device` download at least `bytes` of the image. */
export async function downloadedAtLeast(ota: OtaUnderWay, bytes: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ota.seen.some((s) => s.state === 'downloading' && s.bytes >= bytes)) {
    if (Date.now() > deadline) throw new Error(`the download never passed ${bytes} bytes: ${JSON.stringify(ota.seen)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
