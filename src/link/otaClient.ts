// The operator side of OTA: upload artifacts (resuming), create a deployment, follow it to the end.
import { createHash } from 'node:crypto';
import type { SignedManifest } from '../protocol/manifest';
import { MAX_UPLOAD_CHUNK } from '../protocol/otaMethods';
import type { OperatorClient } from './operatorClient';

/** A deployment as the relay sends it (src/relay/ota/deployment.ts Deployment), read loosely. */
export interface DeploymentJson {
  id: string;
  status: 'running' | 'paused' | 'aborted' | 'succeeded' | 'failed';
  statusReason: string | null;
  currentWave: number;
  waves: string[][];
  devices: Record<string, { state: string; bytes: number; code: string | null; reason: string | null }>;
  signed: SignedManifest;
  createdAt: string;
  createdBy: string;
  truncated?: true;
}

const FINAL = ['succeeded', 'failed', 'aborted'];
/** Upload requests in flight at once: enough to hide the round trip, few enough to keep control traffic fair. */
const PIPELINE = 8;

/** True once nothing more will happen (an aborted deployment may still finish installs, see `waitForDeployment`). */
export function isFinal(d: DeploymentJson): boolean {
  if (d.status === 'aborted')
    return Object.values(d.devices).every((p) => ['confirmed', 'failed', 'rolled_back', 'canceled'].includes(p.state));
  return FINAL.includes(d.status);
}

/**
 * Uploads `bytes` as an artifact, continuing an earlier interrupted upload of the same bytes; nothing is sent
 * when the relay already has them. `onProgress` gets bytes the relay holds.
 */
export async function uploadArtifact(
  client: OperatorClient,
  bytes: Buffer,
  meta: { kind: 'image' | 'elf'; buildId?: string },
  onProgress: (received: number, size: number) => void = () => undefined,
): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const status = await client.request<{ stored: boolean; received: number }>('artifacts.status', { sha256 });
  if (status.stored) {
    onProgress(bytes.length, bytes.length);
    return sha256;
  }
  let offset = status.received;
  const inFlight: Promise<unknown>[] = [];
  while (offset < bytes.length) {
    const chunk = bytes.subarray(offset, offset + MAX_UPLOAD_CHUNK);
    const at = offset;
    offset += chunk.length;
    // Requests are answered in order, so pipelined chunks are appended in order.
    const sent = client
      .request<{ received: number }>('artifacts.upload', {
        sha256,
        size: bytes.length,
        kind: meta.kind,
        ...(meta.buildId && { buildId: meta.buildId }),
        offset: at,
        data: chunk.toString('base64'),
      })
      .then((r) => onProgress(r.received, bytes.length));
    sent.catch(() => undefined); // awaited below; this only keeps a later failure from being reported twice
    inFlight.push(sent);
    if (inFlight.length >= PIPELINE) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return sha256;
}

/**
 * Follows a deployment until it is final, calling `onUpdate` with each new value (events after
 * `fleet.subscribe`, plus a periodic `deployments.get` in case an event was too large or missed).
 */
export async function waitForDeployment(
  client: OperatorClient,
  id: string,
  onUpdate: (d: DeploymentJson) => void = () => undefined,
  pollMs = 5000,
): Promise<DeploymentJson> {
  return new Promise<DeploymentJson>((resolve, reject) => {
    let done = false;
    const finish = (d: DeploymentJson) => {
      done = true;
      clearInterval(timer);
      events.dispose();
      closed.dispose();
      resolve(d);
    };
    const seen = (d: DeploymentJson) => {
      if (done || d.id !== id) return;
      onUpdate(d);
      if (isFinal(d)) finish(d);
    };
    const events = client.onEvent((e) => {
      if (e.event === 'deployment.updated') seen((e.data as { deployment: DeploymentJson }).deployment);
    });
    const closed = client.onClose((err) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      events.dispose();
      reject(err);
    });
    const poll = () => client.request<DeploymentJson>('deployments.get', { id }).then(seen, () => undefined);
    const timer = setInterval(poll, pollMs);
    client.request('fleet.subscribe').then(poll, (err: Error) => reject(err));
  });
}
