// The one table of OTA error codes: manifest checks, transfer, install, rollout. Device reports and RPC errors use them.

/** Every way an OTA step can fail, by symbolic name; the same names travel in `failed`/`refused` messages. */
export const otaErrorMessages = {
  MANIFEST_INVALID: 'the OTA manifest is malformed',
  MANIFEST_TOO_LARGE: 'the OTA manifest is too large',
  UNSUPPORTED_FORMAT: 'the OTA manifest format version is not supported: upgrade the agent',
  BAD_SIGNATURE: 'the manifest signature does not verify: the image or its manifest was altered',
  UNTRUSTED_SIGNER: 'the manifest is signed by a key this device does not trust: add it with --trust',
  NO_TRUSTED_SIGNERS: 'this device trusts no signing key: start the agent with --trust KEY',
  BOARD_MISMATCH: 'the image was built for another board',
  ROLLBACK_REFUSED: 'the image has a lower anti-rollback counter than the one installed (downgrade refused)',
  IMAGE_TOO_LARGE: 'the image is larger than this device accepts',
  HASH_MISMATCH: 'the received image does not match the signed sha256 (tampered or corrupted)',
  TRANSFER_ERROR: 'the OTA transfer broke the protocol (unexpected message or chunk)',
  STORAGE_FAILED: 'the device could not store the image on disk',
  INSTALL_FAILED: 'writing the image to the target failed',
  HEALTH_CHECK_FAILED: 'the new firmware did not report ready in time',
  ROLLBACK_FAILED: 'the previous image could not be reinstalled',
  NO_PREVIOUS_IMAGE: 'there is no previous image to roll back to',
  CANCELED: 'the update was canceled',
  UPDATE_IN_PROGRESS: 'the device is installing another update: retry when it has finished',
  TIMEOUT: 'the device did not finish the step in time',
  NO_TARGETS: 'no device matches the deployment targets',
  UNKNOWN_DEVICE: 'no device with that name',
  ARTIFACT_NOT_FOUND: 'no artifact with that sha256',
  UPLOAD_INCOMPLETE: 'the upload is incomplete or does not match its sha256',
  DEPLOYMENT_NOT_FOUND: 'no deployment with that id',
  DEPLOYMENT_FINISHED: 'the deployment has already finished',
  INVALID_ROLLOUT: 'the rollout percentage must be an integer from 1 to 100',
} as const;

/** Symbolic OTA error code, e.g. `'UNTRUSTED_SIGNER'`. */
export type OtaErrorCode = keyof typeof otaErrorMessages;

/** True when `name` is an OTA error code (for decoding codes that arrived over the wire). */
export function isOtaErrorCode(name: unknown): name is OtaErrorCode {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(otaErrorMessages, name);
}

/** An OTA failure with its code; `message` is one line for a person, details appended after the generic text. */
export class OtaError extends Error {
  readonly code: OtaErrorCode;
  constructor(code: OtaErrorCode, detail?: string) {
    super(detail ? `${otaErrorMessages[code]}: ${detail}` : otaErrorMessages[code]);
    this.name = 'OtaError';
    this.code = code;
  }
}
