// Why connecting to a relay failed, in words a user can act on: unreachable relay, unknown identity, and the rest.

/** A failure class; decides the message, the buttons and whether retrying can help. */
export type ConnectProblemKind = 'unreachable' | 'identity' | 'forbidden' | 'replaced' | 'version' | 'busy' | 'other';

/** What the UI shows after a failed connection. */
export interface ConnectProblem {
  readonly kind: ConnectProblemKind;
  /** One or two sentences: what happened and what to do next. */
  readonly message: string;
  /** True when the same attempt may succeed later (relay restarting, network down). */
  readonly retryable: boolean;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  CONNECTION_FAILED: 'no connection',
  CONNECTION_LOST: 'connection lost',
  TIMEOUT: 'timed out',
  RELAY_SHUTDOWN: 'the relay is shutting down',
  HEARTBEAT_TIMEOUT: 'heartbeat timeout',
};
const IDENTITY_CODES = ['UNKNOWN_KEY', 'BAD_SIGNATURE', 'AUTH_REQUIRED', 'REVOKED'];

// The symbolic code of an error from the link (RelayError.code), Node's net layer (err.code) or a cause chain.
function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

// The link reports every failed dial as CONNECTION_FAILED with the OS code (ECONNREFUSED, …) in its message:
// name that code when there is one, else the link's own words (an HTTP status, a server that is not a relay).
function networkReason(code: string, detail: string): string {
  const os = Object.keys(NETWORK_CODES).find((c) => c.startsWith('E') && new RegExp(`\\b${c}\\b`).test(detail));
  if (os) return NETWORK_CODES[os];
  if (code === 'CONNECTION_FAILED') return detail;
  return NETWORK_CODES[code] ?? detail;
}

const detailOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/**
 * Classifies a connection failure. `publicKey` (base64url) is named in identity problems so an admin can
 * register it; it is public, never the secret.
 */
export function describeConnectError(err: unknown, relay: string, publicKey?: string): ConnectProblem {
  const code = codeOf(err) ?? '';
  const detail = detailOf(err);
  if (code in NETWORK_CODES || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(detail)) {
    const why = networkReason(code, detail);
    return {
      kind: 'unreachable',
      message: `Cannot reach the Outpost relay at ${relay} (${why}). Check the URL (setting outpost.relay) and that the relay is running (\`outpost relay\`).`,
      retryable: true,
    };
  }
  if (IDENTITY_CODES.includes(code)) {
    return {
      kind: 'identity',
      message: `The relay at ${relay} does not accept this identity (${detail}). Ask an admin to run \`outpost operator add NAME --pubkey ${publicKey ?? 'KEY'} --role debugger\`, or choose another identity.`,
      retryable: false,
    };
  }
  if (code === 'FORBIDDEN') {
    return {
      kind: 'forbidden',
      message: `The relay at ${relay} refused this identity's role (${detail}). Ask an admin for a role that allows it.`,
      retryable: false,
    };
  }
  if (code === 'REPLACED') {
    return {
      kind: 'replaced',
      message: `Another window or tool connected to ${relay} with the same identity, so this connection was closed. Use a separate identity per tool, then connect again.`,
      retryable: false,
    };
  }
  if (code === 'UNSUPPORTED_VERSION') {
    return {
      kind: 'version',
      message: `The relay at ${relay} speaks another Outpost protocol version. Update the extension or the relay so both match.`,
      retryable: false,
    };
  }
  if (code === 'RATE_LIMITED' || code === 'CHALLENGE_INVALID') {
    return { kind: 'busy', message: `The relay at ${relay} asked to retry later (${detail}).`, retryable: true };
  }
  return { kind: 'other', message: `Connecting to ${relay} failed: ${detail}`, retryable: true };
}
