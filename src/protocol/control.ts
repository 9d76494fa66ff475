// Control channel (channel 0) messages: requests, responses, events, the method table and validation of incoming JSON.
import { CloseCode, type CloseCodeName } from './closeCodes';
import { fromBase64url } from './base64url';
import { isInt, isName, isRecord, isTags, isText } from './json';
import { err, ok, type Result } from './result';

/** Operator roles, most to least privileged. */
export type Role = 'admin' | 'deployer' | 'debugger' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'deployer', 'debugger', 'viewer'];
/** What a connected key is. */
export type PeerKind = 'device' | 'operator';

/** A device as operators see it (devices.list, device.updated). */
export interface DeviceInfo {
  name: string;
  publicKey: string;
  online: boolean;
  firmwareVersion: string | null;
  buildId: string | null;
  board: string | null;
  rssi: number | null;
  uptime: number | null;
  lastSeen: string | null;
  tags: Record<string, string>;
  connectedSince: string | null;
}

/** An operator as admins see it (operators.list, operators.add). */
export interface OperatorInfo {
  name: string;
  publicKey: string;
  role: Role;
}

/** One line of the relay's audit log (audit.list): who did what to which device, when, and how it ended. */
export interface AuditEntry {
  /** ISO 8601. */
  time: string;
  /** The operator (or device) name that acted. */
  actor: string;
  /** `open` for a channel, else the method and its subject, e.g. `devices.add`, `operators.remove bob`. */
  action: string;
  device: string | null;
  /** The channel kind of an `open` (or `ota` for deployment actions), else null. */
  channelKind: string | null;
  /** `ok`, the refusal's close-code name, `cancelled`, or an id the action produced. */
  result: string;
}

/** What a device reports about itself (event `telemetry`, device → relay). */
export interface Telemetry {
  firmwareVersion?: string;
  buildId?: string;
  board?: string;
  /** Seconds since the agent started. */
  uptime: number;
  /** Modem signal strength in dBm. */
  rssi?: number;
}

/** Methods, their params and their results. */
export interface Methods {
  whoami: { params: Record<string, never>; result: { name: string; role: Role | null; kind: PeerKind } };
  'devices.list': { params: { offset?: number; limit?: number }; result: DeviceInfo[] };
  'devices.get': { params: { name: string }; result: DeviceInfo };
  'devices.add': { params: { name: string; publicKey: string; tags: Record<string, string> }; result: DeviceInfo };
  'devices.remove': { params: { name: string }; result: { name: string } };
  'operators.add': { params: { name: string; publicKey: string; role: Role }; result: OperatorInfo };
  'operators.list': { params: Record<string, never>; result: OperatorInfo[] };
  'operators.remove': { params: { name: string }; result: { name: string } };
  'enroll.create': {
    params: { tags: Record<string, string>; uses: number; ttlSeconds: number };
    result: { token: string };
  };
  'fleet.subscribe': { params: Record<string, never>; result: { devices: DeviceInfo[] } };
  'audit.list': { params: { device?: string; limit?: number }; result: AuditEntry[] };
}
export type MethodName = keyof Methods;
export const METHOD_NAMES: readonly MethodName[] = [
  'whoami',
  'devices.list',
  'devices.get',
  'devices.add',
  'devices.remove',
  'operators.add',
  'operators.list',
  'operators.remove',
  'enroll.create',
  'fleet.subscribe',
  'audit.list',
];

/** Newest audit entries audit.list returns when no limit is given, and the most it returns. */
export const AUDIT_LIST_DEFAULT = 50;
export const AUDIT_LIST_MAX = 100;

/** Events and their data. `telemetry` goes device → relay; the others relay → subscribed operators. */
export interface Events {
  telemetry: Telemetry;
  'device.updated': { device: DeviceInfo };
  'device.removed': { name: string };
}
export type EventName = keyof Events;

/** Codes of control-request errors: a close-code name, or one of the request-only codes. */
export type RequestErrorCode = CloseCodeName | 'NOT_FOUND' | 'BAD_REQUEST' | 'UNKNOWN_METHOD' | 'INTERNAL';

export interface ControlRequest {
  id: number;
  method: string;
  params: Record<string, unknown>;
}
export type ControlResponse =
  { id: number; result: unknown } | { id: number; error: { code: RequestErrorCode | string; message: string } };
export interface ControlEvent {
  event: string;
  data: unknown;
}
export type ControlMessage =
  | ({ kind: 'request' } & ControlRequest)
  | ({ kind: 'response' } & ControlResponse)
  | ({ kind: 'event' } & ControlEvent);

/**
 * Classifies a CONTROL payload. Unknown method or event names are accepted here (the receiver answers
 * UNKNOWN_METHOD or ignores the event); only a malformed envelope is a PROTOCOL_ERROR.
 */
export function parseControlMessage(json: unknown): Result<ControlMessage> {
  if (!isRecord(json)) return err(CloseCode.PROTOCOL_ERROR, 'control message is not an object');
  if ('event' in json) {
    if (!isText(json.event, 64)) return err(CloseCode.PROTOCOL_ERROR, 'event name is not a short string');
    return ok({ kind: 'event', event: json.event, data: json.data ?? null });
  }
  if (!isInt(json.id, 0, Number.MAX_SAFE_INTEGER)) return err(CloseCode.PROTOCOL_ERROR, 'control message without id');
  if ('method' in json) {
    if (!isText(json.method, 64)) return err(CloseCode.PROTOCOL_ERROR, 'method is not a short string');
    const params = json.params ?? {};
    if (!isRecord(params)) return err(CloseCode.PROTOCOL_ERROR, 'params is not an object');
    return ok({ kind: 'request', id: json.id, method: json.method, params });
  }
  if ('error' in json) {
    const e = json.error;
    if (!isRecord(e) || !isText(e.code, 64) || typeof e.message !== 'string')
      return err(CloseCode.PROTOCOL_ERROR, 'error response without code and message');
    return ok({ kind: 'response', id: json.id, error: { code: e.code, message: e.message } });
  }
  if ('result' in json) return ok({ kind: 'response', id: json.id, result: json.result });
  return err(CloseCode.PROTOCOL_ERROR, 'control message is neither request, response nor event');
}

/** True when `method` is one the contract defines. */
export function isMethodName(method: string): method is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(method);
}

/** True when `text` is a base64url ed25519 public key (32 bytes, 43 characters). */
export function isPublicKeyText(text: unknown): text is string {
  return fromBase64url(text, 32) !== undefined;
}

const bad = (reason: string) => err<never>(CloseCode.PROTOCOL_ERROR, reason);

/** Validates a request's params for `method`; the failure reason is the one-line message for a BAD_REQUEST reply. */
export function parseParams<M extends MethodName>(
  method: M,
  params: Record<string, unknown>,
): Result<Methods[M]['params']> {
  const p = params;
  switch (method as MethodName) {
    case 'devices.add':
      if (!isName(p.name)) return bad('name: letters, digits, . _ - (max 64), starting with a letter or digit');
      if (!isPublicKeyText(p.publicKey)) return bad('publicKey: base64url ed25519 public key (43 characters)');
      if (p.tags !== undefined && !isTags(p.tags)) return bad('tags: an object of string values');
      return ok({ name: p.name, publicKey: p.publicKey, tags: (p.tags as Record<string, string>) ?? {} } as never);
    case 'devices.list':
      if (p.offset !== undefined && !isInt(p.offset, 0, Number.MAX_SAFE_INTEGER)) return bad('offset: a whole number');
      if (p.limit !== undefined && !isInt(p.limit, 1, 10_000)) return bad('limit: a whole number from 1 to 10000');
      return ok({
        ...(p.offset !== undefined && { offset: p.offset }),
        ...(p.limit !== undefined && { limit: p.limit }),
      } as never);
    case 'devices.get':
    case 'devices.remove':
      if (!isName(p.name)) return bad('name: a device name');
      return ok({ name: p.name } as never);
    case 'operators.remove':
      if (!isName(p.name)) return bad('name: an operator name');
      return ok({ name: p.name } as never);
    case 'audit.list':
      if (p.device !== undefined && !isName(p.device)) return bad('device: a device name');
      if (p.limit !== undefined && !isInt(p.limit, 1, AUDIT_LIST_MAX))
        return bad(`limit: a whole number from 1 to ${AUDIT_LIST_MAX}`);
      return ok({
        ...(p.device !== undefined && { device: p.device }),
        limit: p.limit ?? AUDIT_LIST_DEFAULT,
      } as never);
    case 'operators.add':
      if (!isName(p.name)) return bad('name: letters, digits, . _ - (max 64), starting with a letter or digit');
      if (!isPublicKeyText(p.publicKey)) return bad('publicKey: base64url ed25519 public key (43 characters)');
      if (!ROLES.includes(p.role as Role)) return bad('role: one of admin, deployer, debugger, viewer');
      return ok({ name: p.name, publicKey: p.publicKey, role: p.role } as never);
    case 'enroll.create':
      if (p.tags !== undefined && !isTags(p.tags)) return bad('tags: an object of string values');
      if (p.uses !== undefined && !isInt(p.uses, 1, 1_000_000)) return bad('uses: an integer from 1');
      if (p.ttlSeconds !== undefined && !isInt(p.ttlSeconds, 1, 366 * 86400)) return bad('ttlSeconds: 1 s to 366 days');
      return ok({
        tags: (p.tags as Record<string, string>) ?? {},
        uses: p.uses ?? 1,
        ttlSeconds: p.ttlSeconds ?? 3600,
      } as never);
    default:
      return ok({} as never);
  }
}

/** Validates the data of a device's `telemetry` event. */
export function parseTelemetry(data: unknown): Result<Telemetry> {
  if (!isRecord(data)) return bad('telemetry is not an object');
  if (!isInt(data.uptime, 0, Number.MAX_SAFE_INTEGER)) return bad('telemetry.uptime: whole seconds');
  const out: Telemetry = { uptime: data.uptime };
  for (const key of ['firmwareVersion', 'buildId', 'board'] as const) {
    const v = data[key];
    if (v === undefined || v === null) continue;
    if (!isText(v, 128)) return bad(`telemetry.${key}: a string of at most 128 characters`);
    out[key] = v;
  }
  if (data.rssi !== undefined && data.rssi !== null) {
    if (!isInt(data.rssi, -200, 0)) return bad('telemetry.rssi: dBm, an integer from -200 to 0');
    out.rssi = data.rssi;
  }
  return ok(out);
}
