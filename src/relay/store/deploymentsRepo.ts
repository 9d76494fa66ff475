// Deployments as the relay core sees them: the whole rollout state, persisted so a relay restart resumes it.
import type { Deployment } from '../ota/deployment';
import type { DeviceProgress } from '../ota/deviceState';

/** Deployment persistence. Values are the pure Deployment of src/relay/ota/deployment.ts. */
export interface DeploymentsRepo {
  /** Stores a new deployment with its waves and per-device progress; the image artifact must exist. */
  create(deployment: Deployment): Promise<void>;
  /** Writes the deployment's status, wave and every device's progress in one transaction. */
  save(deployment: Deployment): Promise<void>;
  /** Writes one device's progress (byte counts change often; this avoids rewriting the deployment). */
  saveDevice(id: string, device: string, progress: DeviceProgress, updatedAt: string): Promise<void>;
  get(id: string): Promise<Deployment | undefined>;
  /** The newest deployments first, at most `limit`. */
  list(limit: number): Promise<Deployment[]>;
  /** Deployments still running, paused, or aborted with devices not yet finished: what a restart resumes. */
  unfinished(): Promise<Deployment[]>;
}
