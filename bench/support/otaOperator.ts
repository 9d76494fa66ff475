// The operator of bench/ota-link.ts, run beside the relay: uploads and signs one image, deploys it to one device,
// and reports the device's phases (relay timestamps) and the relay's ota byte counter as JSON lines on stdout.
//
//   node --import tsx bench/support/otaOperator.ts JOB.json
//
// Lines: {"type":"progress",state,bytes,attempts,updatedAt} on each change the relay publishes,
// {"type":"otaBytes",at,bytes} every 50 ms while downloading (bytes since the deployment was created),
// {"type":"done",status,progress,otaBytes,downloadingAt,verifyingAt}; errors go to stderr with exit 1.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readIdentityFile } from '../../src/common/identityFile';
import { connectOperator } from '../../src/link/operatorClient';
import { isFinal, uploadArtifact, type DeploymentJson } from '../../src/link/otaClient';
import { signManifest } from '../../src/protocol/manifest';

/** What the orchestrator asks for. */
export interface OperatorJob {
  relay: string;
  /** The relay's /metrics URL. */
  metrics: string;
  operatorKey: string;
  signKey: string;
  image: string;
  version: string;
  board: string;
  buildId: string;
  device: string;
  healthTimeoutMs: number;
}

/** One device's progress as the relay publishes it. */
export interface ProgressLine {
  type: 'progress';
  state: string;
  bytes: number;
  attempts: number;
  updatedAt: string;
}

/** The final line. */
export interface DoneLine {
  type: 'done';
  status: string;
  state: string;
  code: string | null;
  reason: string | null;
  attempts: number;
  /** ota DATA bytes the relay forwarded to devices while this deployment ran. */
  otaBytes: number;
  /** Relay time the device first asked for bytes (`want`), and first reported a phase past the download. */
  downloadingAt: string | null;
  verifyingAt: string | null;
}

type Progress = { attempts: number; updatedAt: string };

const COUNTER = /^outpost_channel_bytes_total\{kind="ota",direction="to_device"\} (\d+)$/m;

/** The relay's counter of ota bytes sent to devices (0 before any). */
export async function otaBytesToDevices(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(COUNTER.exec(text)?.[1] ?? 0);
}

async function main(job: OperatorJob): Promise<void> {
  const print = (line: object) => process.stdout.write(JSON.stringify(line) + '\n');
  const image = fs.readFileSync(job.image);
  const client = await connectOperator({ relay: job.relay, identity: readIdentityFile(job.operatorKey) });
  try {
    const signed = signManifest(
      {
        imageSha256: createHash('sha256').update(image).digest('hex'),
        imageSize: image.length,
        buildId: job.buildId,
        version: job.version,
        board: job.board,
        antiRollback: 0,
      },
      readIdentityFile(job.signKey),
    );
    await uploadArtifact(client, image, { kind: 'image', buildId: job.buildId });
    const base = await otaBytesToDevices(job.metrics);
    let downloading = true;
    const sampler = (async () => {
      while (downloading) {
        print({ type: 'otaBytes', at: Date.now(), bytes: (await otaBytesToDevices(job.metrics)) - base });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let downloadingAt: string | null = null;
    let verifyingAt: string | null = null;
    let last = '';
    let finished: (d: DeploymentJson) => void = () => undefined;
    const final = new Promise<DeploymentJson>((resolve) => (finished = resolve));
    // Subscribed before the deployment exists, so its first `downloading` update (with the relay's time) is seen.
    const seen = (d: DeploymentJson): void => {
      if (d.signed.manifest.imageSha256 !== signed.manifest.imageSha256) return;
      const p = d.devices[job.device] as (DeploymentJson['devices'][string] & Progress) | undefined;
      if (!p) return;
      if (p.state === 'downloading') downloadingAt ??= p.updatedAt;
      if (p.state !== 'downloading' && p.state !== 'pending') {
        verifyingAt ??= p.updatedAt;
        downloading = false;
      }
      const line = JSON.stringify([p.state, p.bytes, p.attempts]);
      if (line !== last) {
        last = line;
        print({ type: 'progress', state: p.state, bytes: p.bytes, attempts: p.attempts, updatedAt: p.updatedAt });
      }
      if (isFinal(d)) finished(d);
    };
    client.onEvent((e) => {
      if (e.event === 'deployment.updated') seen((e.data as { deployment: DeploymentJson }).deployment);
    });
    await client.request('fleet.subscribe');
    const created = await client.request<DeploymentJson>('deployments.create', {
      signed,
      devices: [job.device],
      tags: [],
      healthTimeoutMs: job.healthTimeoutMs,
    });
    const poll = setInterval(
      () => void client.request<DeploymentJson>('deployments.get', { id: created.id }).then(seen, () => undefined),
      5000,
    );
    const result = await final;
    clearInterval(poll);
    downloading = false;
    await sampler;
    const p = result.devices[job.device] as DeploymentJson['devices'][string] & Progress;
    const done: DoneLine = {
      type: 'done',
      status: result.status,
      state: p.state,
      code: p.code,
      reason: p.reason,
      attempts: p.attempts,
      otaBytes: (await otaBytesToDevices(job.metrics)) - base,
      downloadingAt,
      verifyingAt,
    };
    print(done);
  } finally {
    client.close();
  }
}

if (require.main === module) {
  main(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as OperatorJob).then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`otaOperator: ${err.message}\n`);
      process.exit(1);
    },
  );
}
