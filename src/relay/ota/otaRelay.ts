// The relay's OTA service in one piece: its tables, repositories, control methods and the deployment runner.
import type Database from 'better-sqlite3';
import type { Logger } from '../../common/log';
import { otaControlHandlers, type OtaRuntime } from '../control/deployments';
import type { ControlHandler } from '../control/handler';
import type { RelayCore } from '../core';
import { SqliteArtifactsRepo, artifactsMigrations } from '../store/sqlite/artifactsRepo';
import { SqliteDeploymentsRepo, deploymentsMigrations } from '../store/sqlite/deploymentsRepo';
import { migrate } from '../store/sqlite/migrate';
import { DeploymentRunner } from './deploymentRunner';
import { deploymentView } from './deploymentView';
import { openRelayChannel } from './relayChannel';

/** The OTA migrations, in order (artifacts first: deployments reference images). */
export const otaMigrations = [...artifactsMigrations, ...deploymentsMigrations];

/**
 * Usage in startRelay: `const ota = new OtaRelay()`, pass `ota.handlers()` into the RelayCore's handler table,
 * then `await ota.attach(core, store.db, dataDir, publish)` once the core exists; `ota.stop()` before closing.
 */
export class OtaRelay {
  private runtime: OtaRuntime | undefined;

  /** The `artifacts.*` and `deployments.*` handlers (they answer INTERNAL until attach() ran). */
  handlers(): ControlHandler[] {
    return otaControlHandlers(() => this.runtime);
  }

  /**
   * Creates the OTA tables if needed, opens the repositories (blobs under DATA/artifacts) and starts the runner,
   * which resumes unfinished deployments. `publish` sends an event to fleet subscribers (`deployment.updated`).
   */
  async attach(
    core: RelayCore,
    db: Database.Database,
    dataDir: string,
    publish: (event: string, data: unknown) => void,
    log: Logger = core.log.child('ota'),
  ): Promise<void> {
    migrate(db, otaMigrations);
    const artifacts = new SqliteArtifactsRepo(db, dataDir);
    const deployments = new SqliteDeploymentsRepo(db);
    const runner = new DeploymentRunner({
      deployments,
      artifacts,
      isOnline: (device) => core.hub.device(device) !== undefined,
      operatorKey: async (name) => (await core.store.operators.byName(name))?.publicKey,
      openOta: (device, actor) => openRelayChannel(core.router, device, 'ota', actor, log),
      changed: (d) => publish('deployment.updated', { deployment: deploymentView(d) }),
      log,
      now: () => core.now(),
    });
    this.runtime = { runner, artifacts };
    await runner.start();
  }

  /** Stops starting transfers (those under way end when the relay closes its connections). */
  stop(): void {
    this.runtime?.runner.stop();
  }
}
