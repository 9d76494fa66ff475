// Connecting to a relay: GET /v1/challenge, then the signed WebSocket upgrade; refusals become RelayErrors.
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import { silentLogger, type Logger } from '../common/log';
import { AuthHeader, authHeaders, type Enrollment } from '../protocol/auth';
import { MAX_FRAME } from '../protocol/frame';
import type { Identity } from '../protocol/identity';
import { isKeepaliveSec, KEEPALIVE_HEADER, KEEPALIVE_RULE } from '../protocol/keepalive';
import { Connection } from './connection';
import { RelayError } from './errors';

/** Options of `connect`. */
export interface ConnectOptions {
  /** A device registering its own key with an enrollment token (first start only). */
  enroll?: Enrollment;
  log?: Logger;
  /** Seconds between application PINGs (0 = none). Default 30; the agent passes its keepalive. */
  keepaliveSec?: number;
  /**
   * See ConnectionOptions.keepalivePolicy; default 'always'. 'when-silent' (devices) also declares `keepaliveSec`
   * to the relay (x-outpost-keepalive), which then expects this peer to be heard at least that often and never
   * pings it; it must then be whole seconds from 5 to 3600.
   */
  keepalivePolicy?: 'always' | 'when-silent';
  /** Milliseconds for the challenge and the upgrade together, and then for each request. Default 30 s. */
  timeoutMs?: number;
}

/** The relay's base URLs: `http(s)://…` for the challenge and `ws(s)://…/v1/connect`, plus the Host that is signed. */
export function relayEndpoints(relayUrl: string): { challengeUrl: string; connectUrl: string; host: string } {
  let url: URL;
  try {
    url = new URL(relayUrl);
  } catch {
    throw new RelayError('CONNECTION_FAILED', `relay URL "${relayUrl}" is not a URL: use ws://HOST:PORT or wss://HOST`);
  }
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol))
    throw new RelayError(
      'CONNECTION_FAILED',
      `relay URL "${relayUrl}" must start with ws://, wss://, http:// or https://`,
    );
  const base = url.pathname.replace(/\/+$/, '');
  return {
    challengeUrl: `${secure ? 'https' : 'http'}://${url.host}${base}/v1/challenge`,
    connectUrl: `${secure ? 'wss' : 'ws'}://${url.host}${base}/v1/connect`,
    host: url.host,
  };
}

async function fetchChallenge(challengeUrl: string, signal: AbortSignal): Promise<string> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(challengeUrl, { signal });
    body = await res.text();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new RelayError('CONNECTION_FAILED', `cannot reach the relay at ${challengeUrl}: ${why}`);
  }
  if (!res.ok) throw refusal(res.status, res.headers.get(AuthHeader.close), body);
  try {
    const json = JSON.parse(body) as { challenge?: unknown };
    if (typeof json.challenge === 'string') return json.challenge;
  } catch {
    // fall through to the error below: a non-JSON answer means this is not an Outpost relay
  }
  throw new RelayError('CONNECTION_FAILED', `${challengeUrl} did not answer like an Outpost relay`);
}

function refusal(status: number, closeHeader: string | null | undefined, body: string): RelayError {
  const code = Number(closeHeader);
  const line = body.split('\n')[0].trim().slice(0, 200);
  if (closeHeader && Number.isInteger(code)) return RelayError.fromClose(code, line);
  return new RelayError('CONNECTION_FAILED', `relay answered HTTP ${status}${line ? `: ${line}` : ''}`);
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body.length < 1024 ? (body += chunk) : undefined));
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

/**
 * Connects and authenticates to the relay as `identity`. Resolves with an open Connection; rejects with a
 * RelayError whose code says why (UNKNOWN_KEY, ENROLL_TOKEN_INVALID, CONNECTION_FAILED, TIMEOUT, …).
 */
export async function connect(relayUrl: string, identity: Identity, options: ConnectOptions = {}): Promise<Connection> {
  const { challengeUrl, connectUrl, host } = relayEndpoints(relayUrl);
  const log = options.log ?? silentLogger;
  const keepaliveSec = options.keepaliveSec ?? 30;
  const keepalivePolicy = options.keepalivePolicy ?? 'always';
  const declared = keepalivePolicy === 'when-silent';
  if (declared && !isKeepaliveSec(keepaliveSec))
    throw new RangeError(`keepalive ${keepaliveSec}: the relay accepts ${KEEPALIVE_RULE}`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const challenge = await fetchChallenge(challengeUrl, signal).catch((e: unknown) => {
    if (signal.aborted)
      throw new RelayError('TIMEOUT', `relay at ${challengeUrl} did not answer within ${timeoutMs / 1000} s`);
    throw e;
  });
  const headers = {
    host,
    ...authHeaders(identity, challenge, host, options.enroll),
    ...(declared && { [KEEPALIVE_HEADER]: String(keepaliveSec) }),
  };
  const ws = new WebSocket(connectUrl, {
    headers,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME,
    handshakeTimeout: timeoutMs,
  });
  return new Promise<Connection>((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      void readBody(res).then((body) => {
        req.destroy();
        reject(refusal(res.statusCode ?? 0, res.headers[AuthHeader.close] as string | undefined, body));
      });
    });
    ws.once('error', (err) =>
      reject(new RelayError('CONNECTION_FAILED', `cannot connect to ${connectUrl}: ${err.message}`)),
    );
    ws.once('open', () => {
      // ws sets noDelay on its socket itself (RSP packets must not wait for Nagle).
      ws.removeAllListeners('error');
      log.info('connected to relay', { relay: connectUrl, key: identity.publicKeyText });
      resolve(new Connection(ws, { identity, log, keepaliveSec, keepalivePolicy, requestTimeoutMs: timeoutMs }));
    });
  });
}
