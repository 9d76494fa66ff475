// Decides who an upgrade request is: checks version, challenge and signature, then finds (or enrolls) the key.
import { parseAuthHeaders, verifyAuth } from '../protocol/auth';
import type { ChallengeBook } from '../protocol/challenges';
import { CloseCode } from '../protocol/closeCodes';
import { KEEPALIVE_HEADER, parseKeepaliveHeader } from '../protocol/keepalive';
import { err, ok, type Result } from '../protocol/result';
import { hashToken } from './control/enroll';
import type { PeerIdentity } from './peer';
import type { Store } from './store/store';

/** What authentication needs from the relay. */
export interface HandshakeDeps {
  store: Store;
  challenges: ChallengeBook;
  now(): Date;
}

/** The name a device enrolls under when it does not give one. */
export function defaultDeviceName(publicKeyText: string): string {
  return `device-${publicKeyText.slice(0, 10).replace(/^[-_]+/, '')}`;
}

/**
 * Authenticates the headers of an upgrade to the relay reached as `host`. The challenge is used up before the
 * signature is checked, so a captured request can never be replayed. A known key connects as what it is (an
 * enrollment token it also sends is then ignored, so agents can always pass --enroll); an unknown key with a
 * token registers itself as a device with the token's tags. A device's declared keepalive (x-outpost-keepalive,
 * default 600 s) comes with its identity; a malformed one is refused (PROTOCOL_ERROR) before any lookup.
 */
export async function authenticate(
  deps: HandshakeDeps,
  headers: Record<string, string | string[] | undefined>,
  host: string,
): Promise<Result<PeerIdentity>> {
  const parsed = parseAuthHeaders(headers);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const keepalive = parseKeepaliveHeader(headers[KEEPALIVE_HEADER]);
  if (!keepalive.ok) return keepalive;
  const keepaliveSec = keepalive.value;
  const now = deps.now();
  const fresh = deps.challenges.consume(request.challengeText, now.getTime());
  if (!fresh.ok) return fresh;
  const verified = verifyAuth(request, host);
  if (!verified.ok) return verified;

  const publicKey = request.publicKeyText;
  const operator = await deps.store.operators.byPublicKey(publicKey);
  if (operator) return ok({ kind: 'operator', name: operator.name, publicKey, role: operator.role });
  const device = await deps.store.devices.byPublicKey(publicKey);
  if (device) return ok({ kind: 'device', name: device.name, publicKey, device, keepaliveSec });
  if (!request.enroll) return err(CloseCode.UNKNOWN_KEY, 'key not registered');

  const name = request.enroll.name ?? defaultDeviceName(publicKey);
  const redeemed = await deps.store.tokens.redeem(hashToken(request.enroll.token), { name, publicKey }, now);
  if (!redeemed.ok)
    return err(
      CloseCode[redeemed.reason],
      redeemed.reason === 'NAME_TAKEN' ? `name ${name} is taken` : 'token refused',
    );
  return ok({ kind: 'device', name, publicKey, device: redeemed.device, keepaliveSec });
}
