// The one error type a relay peer sees: a close code (or request error code) by name, with its one-line message.
import { closeCodeFromName, closeCodeName, closeMessage, type CloseCodeName } from '../protocol/closeCodes';
import type { RequestErrorCode } from '../protocol/control';

/** Codes a RelayError can carry: close-code names, request error codes, and the link's own failures. */
export type RelayErrorCode =
  | CloseCodeName
  | RequestErrorCode
  | 'CONNECTION_FAILED'
  | 'CONNECTION_LOST'
  | 'TIMEOUT'
  | 'DEVICE_KEY_CHANGED'
  | 'KNOWN_DEVICES_UNUSABLE';

/**
 * A failure reported by (or on the way to) the relay. `code` is symbolic ('FORBIDDEN', 'NOT_FOUND',
 * 'CONNECTION_FAILED'); `closeCode` is the numeric wire code when there was one. `message` is one line.
 */
export class RelayError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'RelayError';
  }

  /** From a WebSocket / channel close code and the peer's reason (empty reason: the table's message). */
  static fromClose(code: number, reason = ''): RelayError {
    const name = closeCodeName(code);
    const base = closeMessage(code);
    // A reason relayed from a peer's RelayError already starts with the table's message.
    const text = !reason || reason.startsWith(base) ? reason || base : `${base}: ${reason}`;
    if (name) return new RelayError(name, text, code);
    return new RelayError('CONNECTION_LOST', code === 1006 ? 'connection to the relay lost' : text, code);
  }

  /** From a control response error `{code, message}`. */
  static fromResponse(error: { code: string; message: string }): RelayError {
    const known = closeCodeFromName(error.code);
    return new RelayError(error.code as RelayErrorCode, error.message, known);
  }
}

/**
 * The relay listed another key for a device than the one this operator pinned (docs/security.md §2): the channel
 * was not opened and nothing was sent to the device. `relay` and `device` say which pin `outpost devices forget`
 * would remove.
 */
export class DeviceKeyChanged extends RelayError {
  constructor(
    readonly relay: string,
    readonly device: string,
    readonly pinnedKey: string,
    readonly presentedKey: string,
    message: string,
  ) {
    super('DEVICE_KEY_CHANGED', message);
    this.name = 'DeviceKeyChanged';
  }
}
