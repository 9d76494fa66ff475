// Every error the debugger reports, as one enum of DAP error ids with a class that carries one clear line.

/** DAP error ids (ErrorResponse.body.error.id) for everything the Outpost debugger can fail at. */
export enum ErrorCode {
  BadArguments = 3001,
  NoTarget = 3002,
  DeviceNeedsTunnel = 3003,
  RelayNotConfigured = 3004,
  GdbNotFound = 3010,
  GdbStartFailed = 3011,
  GdbTimeout = 3012,
  GdbExited = 3013,
  GdbCommandFailed = 3014,
  StubUnreachable = 3020,
  RelayUnreachable = 3021,
  DeviceUnknown = 3022,
  DeviceOffline = 3023,
  NotAllowed = 3024,
  DeviceRefused = 3025,
  ExecutableMissing = 3030,
  ExecutableMismatch = 3031,
  LoadFailed = 3032,
  TargetRunning = 3040,
  NotStopped = 3041,
  UnknownReference = 3042,
  WatchpointLimit = 3050,
  ResetUnsupported = 3060,
  Internal = 3099,
}

/** An error with a code and a one-line message that tells the user what to do. */
export class DebugError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'DebugError';
  }
}

/** Any thrown value as a DebugError (unknown ones become Internal, keeping their message). */
export function asDebugError(err: unknown): DebugError {
  if (err instanceof DebugError) return err;
  return new DebugError(ErrorCode.Internal, err instanceof Error ? err.message : String(err));
}
