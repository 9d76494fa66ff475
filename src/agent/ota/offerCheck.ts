// The checks an offer must pass before the device downloads a byte: signature, pinned signer, board, counters, size.
import { verifyManifest, type Manifest, type SignedManifest } from '../../protocol/manifest';
import { otaErrorMessages, type OtaErrorCode } from '../../protocol/otaErrors';

/** What the device knows about itself when judging an offer. */
export interface DevicePolicy {
  /** Public keys (base64url) whose signatures this device accepts: the agent's `--trust` keys. */
  trustedSigners: readonly string[];
  /** The board the firmware reports; an offer for another board is refused. */
  board: string | undefined;
  /** Highest anti-rollback counter this device has confirmed; lower counters are refused. */
  antiRollbackFloor: number;
  /** Largest image this device stores (its flash size). */
  maxImageSize: number;
}

/** The verified manifest, or why the offer is refused. */
export type OfferVerdict = { ok: true; manifest: Manifest } | { ok: false; code: OtaErrorCode; reason: string };

/**
 * Judges an offer. Order matters only for the message: the signature and signer come first, so nothing an
 * unsigned manifest says (board, counter, size) is ever believed.
 */
export function checkOffer(signed: SignedManifest, policy: DevicePolicy): OfferVerdict {
  const verified = verifyManifest(signed, policy.trustedSigners);
  if (!verified.ok) return { ok: false, code: verified.code, reason: verified.message };
  const m = verified.value;
  const refuse = (code: OtaErrorCode, detail: string): OfferVerdict => ({
    ok: false,
    code,
    reason: `${otaErrorMessages[code]}: ${detail}`,
  });
  if (policy.board === undefined)
    return refuse('BOARD_MISMATCH', `image is for ${m.board} and this device does not know its board`);
  if (m.board !== policy.board) return refuse('BOARD_MISMATCH', `image is for ${m.board}, device is ${policy.board}`);
  if (m.antiRollback < policy.antiRollbackFloor)
    return refuse('ROLLBACK_REFUSED', `image counter ${m.antiRollback} < installed ${policy.antiRollbackFloor}`);
  if (m.imageSize > policy.maxImageSize)
    return refuse('IMAGE_TOO_LARGE', `${m.imageSize} bytes, this device takes at most ${policy.maxImageSize}`);
  return { ok: true, manifest: m };
}
