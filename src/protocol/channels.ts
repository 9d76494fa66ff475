// Channel kinds and the OPEN / OPEN_OK payloads that set a channel up, with validation of incoming JSON.
import { CloseCode } from './closeCodes';
import { isPublicKeyText } from './control';
import { isName, isRecord } from './json';
import { err, ok, type Result } from './result';

/** Channel kinds; control is channel 0 and is not opened. */
export type ChannelKind = 'rsp' | 'console' | 'logs' | 'ota';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['rsp', 'console', 'logs', 'ota'];

/** True for a known channel kind. */
export function isChannelKind(value: unknown): value is ChannelKind {
  return (CHANNEL_KINDS as readonly unknown[]).includes(value);
}

/** OPEN as an operator sends it to the relay. `e2e` is validated by e2e.ts at the device. */
export interface OperatorOpen {
  kind: ChannelKind;
  device: string;
  e2e?: Record<string, unknown>;
}

/** OPEN as the relay forwards it to the device: who opens, with which identity key. */
export interface DeviceOpen {
  kind: ChannelKind;
  operator: string;
  operatorKey: string;
  e2e?: Record<string, unknown>;
}

/** OPEN_OK from the device (forwarded verbatim to the operator). */
export interface OpenOk {
  e2e?: Record<string, unknown>;
}

const bad = (reason: string) => err<never>(CloseCode.PROTOCOL_ERROR, reason);

function e2eField(json: Record<string, unknown>): Result<Record<string, unknown> | undefined> {
  if (json.e2e === undefined) return ok(undefined);
  return isRecord(json.e2e) ? ok(json.e2e) : bad('OPEN e2e is not an object');
}

/** Validates an operator's OPEN payload (relay side). */
export function parseOperatorOpen(json: unknown): Result<OperatorOpen> {
  if (!isRecord(json)) return bad('OPEN payload is not an object');
  if (!isChannelKind(json.kind)) return bad(`OPEN kind must be one of ${CHANNEL_KINDS.join(', ')}`);
  if (!isName(json.device)) return bad('OPEN device is not a device name');
  const e2e = e2eField(json);
  if (!e2e.ok) return e2e;
  return ok({ kind: json.kind, device: json.device, ...(e2e.value && { e2e: e2e.value }) });
}

/** Validates the OPEN payload the relay forwards to a device (device side). */
export function parseDeviceOpen(json: unknown): Result<DeviceOpen> {
  if (!isRecord(json)) return bad('OPEN payload is not an object');
  if (!isChannelKind(json.kind)) return bad(`OPEN kind must be one of ${CHANNEL_KINDS.join(', ')}`);
  if (!isName(json.operator)) return bad('OPEN operator is not a name');
  if (!isPublicKeyText(json.operatorKey)) return bad('OPEN operatorKey is not a public key');
  const e2e = e2eField(json);
  if (!e2e.ok) return e2e;
  return ok({
    kind: json.kind,
    operator: json.operator,
    operatorKey: json.operatorKey,
    ...(e2e.value && { e2e: e2e.value }),
  });
}

/** Validates an OPEN_OK payload. */
export function parseOpenOk(json: unknown): Result<OpenOk> {
  if (!isRecord(json)) return bad('OPEN_OK payload is not an object');
  const e2e = e2eField(json);
  if (!e2e.ok) return e2e;
  return ok(e2e.value ? { e2e: e2e.value } : {});
}
