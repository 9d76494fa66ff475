// Control methods of OTA (artifacts.*, deployments.*): their params, checked the same way by relay and clients.
import { isInt, isName, isRecord, isTags } from './json';

/** Largest upload chunk: its base64 plus the request envelope stay under the 16 KiB CONTROL limit. */
export const MAX_UPLOAD_CHUNK = 10 * 1024;

/** Roles allowed to call each OTA method (viewers may look, deployers and admins may change). */
export const otaMethodRoles = {
  'artifacts.status': ['admin', 'deployer'],
  'artifacts.upload': ['admin', 'deployer'],
  'deployments.create': ['admin', 'deployer'],
  'deployments.list': ['admin', 'deployer', 'debugger', 'viewer'],
  'deployments.get': ['admin', 'deployer', 'debugger', 'viewer'],
  'deployments.pause': ['admin', 'deployer'],
  'deployments.resume': ['admin', 'deployer'],
  'deployments.abort': ['admin', 'deployer'],
} as const;

/** One OTA method name. */
export type OtaMethod = keyof typeof otaMethodRoles;

/** `artifacts.upload`: bytes `data` (base64) at `offset` of the blob `sha256` of `size` bytes. */
export interface UploadParams {
  sha256: string;
  size: number;
  kind: 'image' | 'elf';
  buildId?: string;
  offset: number;
  data: Buffer;
}

/** `deployments.create`: the signed manifest and what to target, with rollout settings. */
export interface CreateDeploymentParams {
  signed: unknown;
  devices: string[];
  tags: Record<string, string>[];
  rolloutPercent?: number;
  maxFailurePercent?: number;
  ready?: string;
  healthTimeoutMs?: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const HEX64 = /^[0-9a-f]{64}$/;
const BUILD_ID = /^[0-9A-Za-z._:-]{1,128}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `{sha256}` (artifacts.status). */
export function parseSha256Param(p: Record<string, unknown>): Parsed<string> {
  return typeof p.sha256 === 'string' && HEX64.test(p.sha256)
    ? { ok: true, value: p.sha256 }
    : { ok: false, reason: 'sha256 must be 64 lowercase hex digits' };
}

/** Params of artifacts.upload. */
export function parseUploadParams(p: Record<string, unknown>): Parsed<UploadParams> {
  const sha = parseSha256Param(p);
  if (!sha.ok) return sha;
  if (!isInt(p.size, 1, 64 * 1024 * 1024)) return { ok: false, reason: 'size must be 1..67108864' };
  if (p.kind !== 'image' && p.kind !== 'elf') return { ok: false, reason: 'kind must be image or elf' };
  if (p.buildId !== undefined && (typeof p.buildId !== 'string' || !BUILD_ID.test(p.buildId)))
    return { ok: false, reason: 'buildId must be 1-128 characters of [0-9A-Za-z._:-]' };
  if (!isInt(p.offset, 0, p.size)) return { ok: false, reason: 'offset must be within the blob' };
  if (typeof p.data !== 'string' || !BASE64.test(p.data)) return { ok: false, reason: 'data must be base64' };
  const data = Buffer.from(p.data, 'base64');
  if (data.length > MAX_UPLOAD_CHUNK) return { ok: false, reason: `data is over ${MAX_UPLOAD_CHUNK} bytes` };
  return {
    ok: true,
    value: {
      sha256: sha.value,
      size: p.size,
      kind: p.kind,
      offset: p.offset,
      data,
      ...(p.buildId ? { buildId: p.buildId as string } : {}),
    },
  };
}

/** Params of deployments.create (the manifest itself is parsed by the relay with parseSignedManifest). */
export function parseCreateDeploymentParams(p: Record<string, unknown>): Parsed<CreateDeploymentParams> {
  const devices = p.devices ?? [];
  const tags = p.tags ?? [];
  if (!isRecord(p.signed)) return { ok: false, reason: 'signed must be {manifest, signature}' };
  if (!Array.isArray(devices) || devices.length > 10_000 || !devices.every(isName))
    return { ok: false, reason: 'devices must be a list of device names' };
  if (!Array.isArray(tags) || tags.length > 100 || !tags.every(isTags))
    return { ok: false, reason: 'tags must be a list of {key: value} objects' };
  const out: CreateDeploymentParams = {
    signed: p.signed,
    devices: devices as string[],
    tags: tags as Record<string, string>[],
  };
  if (p.rolloutPercent !== undefined) {
    if (!isInt(p.rolloutPercent, 1, 100)) return { ok: false, reason: 'rolloutPercent must be 1..100' };
    out.rolloutPercent = p.rolloutPercent;
  }
  if (p.maxFailurePercent !== undefined) {
    if (!isInt(p.maxFailurePercent, 0, 100)) return { ok: false, reason: 'maxFailurePercent must be 0..100' };
    out.maxFailurePercent = p.maxFailurePercent;
  }
  if (p.ready !== undefined) {
    if (typeof p.ready !== 'string' || p.ready.length === 0 || p.ready.length > 256)
      return { ok: false, reason: 'ready must be a regular expression of 1-256 characters' };
    try {
      new RegExp(p.ready, 'i');
    } catch {
      return { ok: false, reason: `ready is not a valid regular expression: ${p.ready}` };
    }
    out.ready = p.ready;
  }
  if (p.healthTimeoutMs !== undefined) {
    if (!isInt(p.healthTimeoutMs, 1000, 3_600_000))
      return { ok: false, reason: 'healthTimeoutMs must be 1000..3600000' };
    out.healthTimeoutMs = p.healthTimeoutMs;
  }
  return { ok: true, value: out };
}

/** `{id}` of deployments.get/pause/resume/abort. */
export function parseDeploymentId(p: Record<string, unknown>): Parsed<string> {
  return typeof p.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(p.id)
    ? { ok: true, value: p.id }
    : { ok: false, reason: 'id must be a deployment id' };
}
