// Device keepalive: the interval a device declares in its upgrade (`x-outpost-keepalive`) and how long the relay waits.
import { CloseCode } from './closeCodes';
import { err, ok, type Result } from './result';

/** Upgrade header in which a device declares its keepalive interval, in whole seconds. */
export const KEEPALIVE_HEADER = 'x-outpost-keepalive';
/** Shortest interval a device may declare (seconds). */
export const MIN_KEEPALIVE_SEC = 5;
/** Longest interval a device may declare (seconds). */
export const MAX_KEEPALIVE_SEC = 3600;
/**
 * The interval of a device that declares none, and the agent's default: few bytes per hour on a cellular link,
 * well inside the idle timeout carrier NATs keep for established TCP (docs/protocol.md §7).
 */
export const DEFAULT_KEEPALIVE_SEC = 600;

/** The one-line rule, for error messages. */
export const KEEPALIVE_RULE = `whole seconds from ${MIN_KEEPALIVE_SEC} to ${MAX_KEEPALIVE_SEC}`;

/** True for an interval a device may declare. */
export function isKeepaliveSec(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= MIN_KEEPALIVE_SEC && value <= MAX_KEEPALIVE_SEC
  );
}

/** The declared interval from the header's value (relay side): absent means the default, malformed PROTOCOL_ERROR. */
export function parseKeepaliveHeader(value: string | string[] | undefined): Result<number> {
  if (value === undefined) return ok(DEFAULT_KEEPALIVE_SEC);
  const text = Array.isArray(value) ? (value.length === 1 ? value[0] : '') : value;
  const sec = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!isKeepaliveSec(sec)) return err(CloseCode.PROTOCOL_ERROR, `${KEEPALIVE_HEADER}: ${KEEPALIVE_RULE}`);
  return ok(sec);
}

/**
 * How long the relay lets a device stay silent before it cuts it off (HEARTBEAT_TIMEOUT): two of its intervals
 * (one keepalive may be lost or late) plus `graceMs` for the round trip and the relay's check rhythm.
 */
export function deviceSilenceLimitMs(keepaliveSec: number, graceMs: number): number {
  return 2 * keepaliveSec * 1000 + graceMs;
}
