// The one table of Outpost close codes: WebSocket close codes, channel CLOSE codes and HTTP upgrade failures share it.

/** Close codes 4000–4999, shared by WebSocket closes, channel CLOSE frames and the `x-outpost-close` header. */
export enum CloseCode {
  NORMAL = 4000,
  PROTOCOL_ERROR = 4001,
  UNSUPPORTED_VERSION = 4002,
  FRAME_TOO_LARGE = 4003,
  UNKNOWN_FRAME_TYPE = 4004,
  UNKNOWN_CHANNEL = 4005,
  AUTH_REQUIRED = 4010,
  BAD_SIGNATURE = 4011,
  CHALLENGE_INVALID = 4012,
  UNKNOWN_KEY = 4013,
  ENROLL_TOKEN_INVALID = 4014,
  NAME_TAKEN = 4015,
  FORBIDDEN = 4020,
  DEVICE_OFFLINE = 4021,
  DEVICE_UNKNOWN = 4022,
  CHANNEL_REFUSED = 4023,
  E2E_FAILED = 4030,
  CREDIT_EXCEEDED = 4031,
  HEARTBEAT_TIMEOUT = 4040,
  REPLACED = 4041,
  REVOKED = 4042,
  RELAY_SHUTDOWN = 4050,
  RATE_LIMITED = 4060,
}

/** The symbolic name of a close code, e.g. `'FORBIDDEN'`; control-channel errors use these names too. */
export type CloseCodeName = keyof typeof CloseCode;

/** One line per code, written for the person reading the error: what happened and, where useful, what to do. */
export const closeMessages: Readonly<Record<CloseCode, string>> = {
  [CloseCode.NORMAL]: 'closed normally',
  [CloseCode.PROTOCOL_ERROR]: 'malformed frame or message (protocol error)',
  [CloseCode.UNSUPPORTED_VERSION]: 'unsupported protocol version: upgrade Outpost on one side',
  [CloseCode.FRAME_TOO_LARGE]: 'frame too large',
  [CloseCode.UNKNOWN_FRAME_TYPE]: 'unknown frame type',
  [CloseCode.UNKNOWN_CHANNEL]: 'unknown channel',
  [CloseCode.AUTH_REQUIRED]: 'authentication required: give a key file with --key',
  [CloseCode.BAD_SIGNATURE]: 'signature does not verify for this key',
  [CloseCode.CHALLENGE_INVALID]: 'challenge unknown, expired or already used: retry',
  [CloseCode.UNKNOWN_KEY]: 'this key is not registered on the relay: ask an admin to add it or enroll with a token',
  [CloseCode.ENROLL_TOKEN_INVALID]: 'enrollment token unknown, expired or used up: create a new one',
  [CloseCode.NAME_TAKEN]: 'that name is already registered with another key',
  [CloseCode.FORBIDDEN]: 'your role does not allow this',
  [CloseCode.DEVICE_OFFLINE]: 'device is offline',
  [CloseCode.DEVICE_UNKNOWN]: 'no device with that name',
  [CloseCode.CHANNEL_REFUSED]: 'the device refused the channel',
  [CloseCode.E2E_FAILED]: 'end-to-end encryption failed (wrong device key, tampering or lost data)',
  [CloseCode.CREDIT_EXCEEDED]: 'peer sent more than its flow-control credit',
  [CloseCode.HEARTBEAT_TIMEOUT]: 'peer went silent (heartbeat timeout)',
  [CloseCode.REPLACED]: 'the same identity connected again elsewhere',
  [CloseCode.REVOKED]: 'this key was removed from the relay',
  [CloseCode.RELAY_SHUTDOWN]: 'relay is shutting down: reconnect later',
  [CloseCode.RATE_LIMITED]: 'too many requests: slow down and retry',
};

/** True when `code` is one of the Outpost close codes. */
export function isCloseCode(code: number): code is CloseCode {
  return Object.prototype.hasOwnProperty.call(closeMessages, code);
}

/** The symbolic name of a code (`'FORBIDDEN'`), or undefined for a number outside the table. */
export function closeCodeName(code: number): CloseCodeName | undefined {
  return isCloseCode(code) ? (CloseCode[code] as CloseCodeName) : undefined;
}

/** The code for a symbolic name, or undefined when the name is not in the table. */
export function closeCodeFromName(name: string): CloseCode | undefined {
  const value = (CloseCode as unknown as Record<string, unknown>)[name];
  return typeof value === 'number' && isCloseCode(value) ? value : undefined;
}

/** The one-line message for a code; codes outside the table (e.g. WebSocket 1006) get a generic line. */
export function closeMessage(code: number): string {
  return isCloseCode(code) ? closeMessages[code] : `connection closed (code ${code})`;
}

/** HTTP status for an upgrade refused with `code`: 401 for 401x, 403 for 402x, 429 for RATE_LIMITED, else 400. */
export function httpStatusFor(code: CloseCode): number {
  if (code === CloseCode.RATE_LIMITED) return 429;
  if (code >= 4010 && code <= 4019) return 401;
  if (code >= 4020 && code <= 4029) return 403;
  return 400;
}
