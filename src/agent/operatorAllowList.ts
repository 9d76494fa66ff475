// Which operators a device lets open its end-to-end channels: every one the relay vouches for, or only pinned keys.
import type { ChannelKind } from '../protocol/channels';
import { E2E_REQUIRED } from '../protocol/e2e';

/** What a device knows of an OPEN: the kind, and the operator as the relay names it (its key proven by E2E). */
export interface OperatorOpen {
  readonly kind: ChannelKind;
  readonly operator: string;
  readonly operatorKey: string;
}

/**
 * Why `open` is refused, or undefined when it may proceed. Without an allow-list (`--operator-key` not given) the
 * relay's registry decides, as it always did. With one, rsp and console (the kinds that act on the target) need an
 * operator key on it: the operator proved it holds that key by signing the E2E offer, so a relay cannot stand in
 * for it. logs carry nothing a relay cannot already read, and ota images are checked against --trust signers.
 */
export function operatorRefusal(allowed: ReadonlySet<string> | undefined, open: OperatorOpen): string | undefined {
  if (!allowed || !E2E_REQUIRED.includes(open.kind) || allowed.has(open.operatorKey)) return undefined;
  // Short: a close reason travels in at most 123 bytes, after the relay's own prefix.
  return `operator "${open.operator}" (…${open.operatorKey.slice(-8)}) is not in this device's --operator-key list`;
}
