// Drives deployments on the relay: opens `ota` channels to due devices that are online, resumes after drops and
// relay restarts, persists progress, and applies pause/resume/abort. The decisions are deployment.ts's.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/log';
import { RelayError } from '../../link/errors';
import { parseSignedManifest, verifyManifest, type SignedManifest } from '../../protocol/manifest';
import { OtaError } from '../../protocol/otaErrors';
import type { ArtifactsRepo } from '../store/artifactsRepo';
import type { DeploymentsRepo } from '../store/deploymentsRepo';
import {
  abortDeployment,
  applyEvent,
  createDeployment,
  defaultSettings,
  dueDevices,
  inFlightDevices,
  isFinished,
  pauseDeployment,
  resumeDeployment,
  type Deployment,
} from './deployment';
import type { DeviceEvent } from './deviceState';
import { sendUpdate } from './otaSender';
import type { OnBehalfOf } from './relayChannel';
import { planWaves, resolveTargets, type FleetDevice, type TargetSelector } from './rolloutPlanner';

/** What the runner uses of the relay. */
export interface RunnerPorts {
  deployments: DeploymentsRepo;
  artifacts: ArtifactsRepo;
  isOnline(device: string): boolean;
  /** The public key of the operator a deployment acts for; undefined once that operator was removed. */
  operatorKey(name: string): Promise<string | undefined>;
  openOta(device: string, actor: OnBehalfOf): Promise<Duplex>;
  /** After every change worth showing (publish `deployment.updated`). */
  changed(d: Deployment): void;
  log: Logger;
  now(): Date;
}

/** What `deployments.create` asks for. */
export interface CreateRequest {
  signed: unknown;
  targets: TargetSelector;
  fleet: readonly FleetDevice[];
  createdBy: string;
  rolloutPercent?: number;
  maxFailurePercent?: number;
  ready?: string;
  healthTimeoutMs?: number;
}

const PROGRESS_INTERVAL_MS = 1000;
const MAX_RETRY_MS = 60_000;

/** Runs every unfinished deployment of one relay. */
export class DeploymentRunner {
  private readonly live = new Map<string, Deployment>();
  private readonly transfers = new Map<string, AbortController>();
  private readonly retryAt = new Map<string, number>();
  private readonly lastProgress = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ports: RunnerPorts) {}

  /** Loads unfinished deployments and starts dispatching; `pollMs` is how often presence is looked at. */
  async start(pollMs = 2000): Promise<void> {
    for (const d of await this.ports.deployments.unfinished()) this.live.set(d.id, d);
    this.timer = setInterval(() => this.tick(), pollMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops dispatching and cancels nothing: transfers end with their channels when the relay closes them. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** Looks for work now (a device came online, a wave opened). */
  tick(): void {
    for (const d of this.live.values()) {
      const candidates = d.status === 'running' ? [...inFlightDevices(d), ...dueDevices(d)] : inFlightDevices(d);
      for (const device of candidates) {
        const key = `${d.id}/${device}`;
        if (this.transfers.has(key) || !this.ports.isOnline(device)) continue;
        if ((this.retryAt.get(key) ?? 0) > Date.now()) continue;
        void this.transfer(d.id, device);
      }
    }
  }

  /** Validates, plans and stores a deployment, then starts it. Throws OtaError with what is wrong. */
  async create(req: CreateRequest): Promise<Deployment> {
    const parsed = parseSignedManifest(req.signed);
    if (!parsed.ok) throw new OtaError(parsed.code, parsed.message);
    const signed: SignedManifest = parsed.value;
    // The relay trusts nobody's key for devices, but a signature broken in transit is caught here, not on the fleet.
    const sig = verifyManifest(signed, [signed.manifest.signer]);
    if (!sig.ok) throw new OtaError(sig.code, sig.message);
    const image = await this.ports.artifacts.get(signed.manifest.imageSha256);
    if (!image || image.size !== signed.manifest.imageSize)
      throw new OtaError('ARTIFACT_NOT_FOUND', `upload the image ${signed.manifest.imageSha256} first`);
    if (signed.manifest.elfSha256 && !(await this.ports.artifacts.get(signed.manifest.elfSha256)))
      throw new OtaError('ARTIFACT_NOT_FOUND', `upload the ELF ${signed.manifest.elfSha256} first`);
    const targets = resolveTargets(req.fleet, req.targets);
    if (!targets.ok) throw new OtaError(targets.code, targets.message);
    const waves = planWaves(targets.value, req.rolloutPercent);
    if (!waves.ok) throw new OtaError(waves.code, waves.message);
    const settings = {
      ready: req.ready ?? defaultSettings.ready,
      healthTimeoutMs: req.healthTimeoutMs ?? defaultSettings.healthTimeoutMs,
      rolloutPercent: req.rolloutPercent ?? null,
      maxFailurePercent: req.maxFailurePercent ?? defaultSettings.maxFailurePercent,
    };
    const id = `d${randomBytes(5).toString('hex')}`;
    const d = createDeployment(
      { id, createdBy: req.createdBy, signed, waves: waves.value, settings },
      this.ports.now(),
    );
    await this.ports.deployments.create(d);
    this.live.set(d.id, d);
    this.ports.log.info('deployment created', { id, by: req.createdBy, devices: waves.value.flat().length });
    this.ports.changed(d);
    this.tick();
    return d;
  }

  async get(id: string): Promise<Deployment> {
    const d = this.live.get(id) ?? (await this.ports.deployments.get(id));
    if (!d) throw new OtaError('DEPLOYMENT_NOT_FOUND', id);
    return d;
  }

  /** Newest first; live values for deployments in progress. */
  async list(limit: number): Promise<Deployment[]> {
    return (await this.ports.deployments.list(limit)).map((d) => this.live.get(d.id) ?? d);
  }

  async pause(id: string, reason: string): Promise<Deployment> {
    const d = await this.get(id);
    return this.commit(pauseDeployment(d, reason, this.ports.now()) ?? finished(d));
  }

  async resume(id: string): Promise<Deployment> {
    const d = await this.get(id);
    const next = await this.commit(resumeDeployment(d, this.ports.now()) ?? finished(d));
    this.tick();
    return next;
  }

  /** Aborts; downloads under way are told to cancel, devices offline mid-download are canceled at once. */
  async abort(id: string, reason: string): Promise<Deployment> {
    const d = await this.get(id);
    const t = abortDeployment(d, reason, this.ports.now()) ?? finished(d);
    let next = t.deployment;
    for (const device of t.cancel) {
      const transfer = this.transfers.get(`${id}/${device}`);
      if (transfer) transfer.abort(new Error(reason));
      else next = applyEvent(next, device, { type: 'canceled', reason }, this.ports.now());
    }
    return this.commit(next);
  }

  // The in-memory value changes before the write is awaited, so events arriving meanwhile build on it.
  private async commit(d: Deployment): Promise<Deployment> {
    if (isFinished(d)) this.live.delete(d.id);
    else this.live.set(d.id, d);
    await this.ports.deployments.save(d);
    this.ports.changed(d);
    return d;
  }

  private async transfer(id: string, device: string): Promise<void> {
    const key = `${id}/${device}`;
    const control = new AbortController();
    this.transfers.set(key, control);
    const log = this.ports.log.child('ota');
    try {
      const d = this.live.get(id);
      if (!d) return;
      const actorKey = await this.ports.operatorKey(d.createdBy);
      if (!actorKey) {
        await this.pause(id, `operator ${d.createdBy} who created it no longer exists`);
        return;
      }
      const channel = await this.ports.openOta(device, { name: d.createdBy, publicKey: actorKey });
      await this.record(id, device, { type: 'dispatched' });
      const current = this.live.get(id) ?? d;
      const outcome = await sendUpdate(channel, {
        deploymentId: id,
        signed: current.signed,
        health: { ready: current.settings.ready, healthTimeoutMs: current.settings.healthTimeoutMs },
        read: (offset, length) => this.ports.artifacts.read(current.signed.manifest.imageSha256, offset, length),
        onEvent: (ev) => void this.record(id, device, ev),
        signal: control.signal,
      });
      if (outcome.ended === 'closed') this.backOff(key);
      else this.retryAt.delete(key);
      log.info('transfer ended', {
        id,
        device,
        ended: outcome.ended,
        bytesSent: outcome.bytesSent,
        maxWindow: outcome.maxWindow,
      });
    } catch (err) {
      if (err instanceof RelayError && err.code === 'CHANNEL_REFUSED') {
        await this.record(id, device, {
          type: 'status',
          state: 'failed',
          code: 'TRANSFER_ERROR',
          reason: `the device refused the ota channel: ${err.message}`,
        });
      } else {
        log.info('transfer could not start; retrying later', { id, device, error: (err as Error).message });
        this.backOff(key);
      }
    } finally {
      this.transfers.delete(key);
    }
  }

  private backOff(key: string): void {
    const d = this.live.get(key.split('/')[0]);
    const attempts = d?.devices[key.slice(key.indexOf('/') + 1)]?.attempts ?? 1;
    this.retryAt.set(key, Date.now() + Math.min(MAX_RETRY_MS, 1000 * 2 ** Math.min(attempts, 6)));
  }

  // Applies a device event; byte progress is written and published at most once a second per device.
  private async record(id: string, device: string, ev: DeviceEvent): Promise<void> {
    const d = this.live.get(id);
    if (!d) return;
    const next = applyEvent(d, device, ev, this.ports.now());
    if (next === d) return;
    const onlyBytes = ev.type === 'bytes' && next.status === d.status && next.currentWave === d.currentWave;
    if (onlyBytes) {
      this.live.set(id, next);
      const key = `${id}/${device}`;
      const size = next.signed.manifest.imageSize;
      if (Date.now() - (this.lastProgress.get(key) ?? 0) < PROGRESS_INTERVAL_MS && ev.offset < size) return;
      this.lastProgress.set(key, Date.now());
      await this.ports.deployments.saveDevice(id, device, next.devices[device], next.updatedAt);
      this.ports.changed(next);
      return;
    }
    await this.commit(next);
    if (next.currentWave !== d.currentWave || next.status !== d.status) this.tick();
  }
}

function finished(d: Deployment): never {
  throw new OtaError('DEPLOYMENT_FINISHED', `${d.id} is ${d.status}`);
}
