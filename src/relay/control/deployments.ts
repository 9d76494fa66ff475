// `deployments.*` and `artifacts.*`: OTA control methods, answered by the deployment runner and the artifact store.
import { OtaError } from '../../protocol/otaErrors';
import {
  otaMethodRoles,
  parseCreateDeploymentParams,
  parseDeploymentId,
  parseSha256Param,
  parseUploadParams,
  type OtaMethod,
} from '../../protocol/otaMethods';
import type { DeploymentRunner } from '../ota/deploymentRunner';
import { deploymentView, fitList } from '../ota/deploymentView';
import type { ArtifactsRepo } from '../store/artifactsRepo';
import { ControlError, type ControlHandler, type RelayContext } from './handler';
import { optionalInt } from './params';
import type { Peer } from '../peer';

/** What the OTA handlers need; resolved at call time because the runner starts after the relay core. */
export interface OtaRuntime {
  runner: DeploymentRunner;
  artifacts: ArtifactsRepo;
}

function toControlError(err: unknown): unknown {
  if (!(err instanceof OtaError)) return err;
  const notFound =
    err.code === 'DEPLOYMENT_NOT_FOUND' || err.code === 'ARTIFACT_NOT_FOUND' || err.code === 'UNKNOWN_DEVICE';
  return new ControlError(notFound ? 'NOT_FOUND' : 'BAD_REQUEST', err.message);
}

function checked<T>(parsed: { ok: true; value: T } | { ok: false; reason: string }, method: string): T {
  if (!parsed.ok) throw new ControlError('BAD_REQUEST', `${method}: ${parsed.reason}`);
  return parsed.value;
}

function method(
  name: OtaMethod,
  runtime: () => OtaRuntime | undefined,
  run: (ota: OtaRuntime, ctx: RelayContext, peer: Peer, params: Record<string, unknown>) => Promise<unknown>,
): ControlHandler {
  return {
    method: name,
    roles: otaMethodRoles[name],
    async handle(ctx, peer, params) {
      const ota = runtime();
      if (!ota) throw new ControlError('INTERNAL', 'the relay OTA service is not running');
      try {
        return await run(ota, ctx, peer, params);
      } catch (err) {
        throw toControlError(err);
      }
    },
  };
}

/** Every OTA control handler, bound to the runtime the relay starts. */
export function otaControlHandlers(runtime: () => OtaRuntime | undefined): ControlHandler[] {
  return [
    method('artifacts.status', runtime, async (ota, _ctx, _peer, p) => {
      const sha256 = checked(parseSha256Param(p), 'artifacts.status');
      const stored = await ota.artifacts.get(sha256);
      return { sha256, stored: stored !== undefined, received: await ota.artifacts.uploadOffset(sha256) };
    }),
    method('artifacts.upload', runtime, async (ota, ctx, peer, p) => {
      const u = checked(parseUploadParams(p), 'artifacts.upload');
      // No await before the write: chunks pipelined by a client are appended in the order they arrived.
      const progress = await ota.artifacts.writeUpload(u, u.offset, u.data, ctx.now());
      if (progress.artifact && progress.received === u.offset + u.data.length)
        ctx.audit({ actor: peer.name, action: 'artifacts.upload', device: null, channelKind: null, result: u.sha256 });
      return { received: progress.received, complete: progress.artifact !== undefined };
    }),
    method('deployments.create', runtime, async (ota, ctx, peer, p) => {
      const req = checked(parseCreateDeploymentParams(p), 'deployments.create');
      const fleet = (await ctx.store.devices.list()).map((d) => ({
        name: d.name,
        tags: d.tags,
        online: ctx.hub.device(d.name) !== undefined,
      }));
      const d = await ota.runner.create({
        signed: req.signed,
        targets: { devices: req.devices, tags: req.tags },
        fleet,
        createdBy: peer.name,
        rolloutPercent: req.rolloutPercent,
        maxFailurePercent: req.maxFailurePercent,
        ready: req.ready,
        healthTimeoutMs: req.healthTimeoutMs,
      });
      ctx.audit({ actor: peer.name, action: 'deployments.create', device: null, channelKind: 'ota', result: d.id });
      return deploymentView(d);
    }),
    method('deployments.list', runtime, async (ota, _ctx, _peer, p) =>
      fitList(await ota.runner.list(optionalInt(p, 'limit', 1, 100) ?? 20)),
    ),
    method('deployments.get', runtime, async (ota, _ctx, _peer, p) =>
      deploymentView(await ota.runner.get(checked(parseDeploymentId(p), 'deployments.get'))),
    ),
    method('deployments.pause', runtime, async (ota, ctx, peer, p) => {
      const id = checked(parseDeploymentId(p), 'deployments.pause');
      ctx.audit({ actor: peer.name, action: 'deployments.pause', device: null, channelKind: 'ota', result: id });
      return deploymentView(await ota.runner.pause(id, `paused by ${peer.name}`));
    }),
    method('deployments.resume', runtime, async (ota, ctx, peer, p) => {
      const id = checked(parseDeploymentId(p), 'deployments.resume');
      ctx.audit({ actor: peer.name, action: 'deployments.resume', device: null, channelKind: 'ota', result: id });
      return deploymentView(await ota.runner.resume(id));
    }),
    method('deployments.abort', runtime, async (ota, ctx, peer, p) => {
      const id = checked(parseDeploymentId(p), 'deployments.abort');
      ctx.audit({ actor: peer.name, action: 'deployments.abort', device: null, channelKind: 'ota', result: id });
      return deploymentView(await ota.runner.abort(id, `aborted by ${peer.name}`));
    }),
  ];
}
