// Integration-test helper: a peer speaking the wire protocol with raw `ws`, for hostile and exact-byte cases.
import { request } from 'node:http';
import WebSocket from 'ws';
import { authHeaders, AuthHeader, type Enrollment } from '../../src/protocol/auth';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { decodeFrame, type Frame } from '../../src/protocol/frame';

/** GET /v1/challenge; the challenge text. */
export async function getChallenge(httpUrl: string): Promise<string> {
  const res = await fetch(`${httpUrl}/v1/challenge`);
  if (!res.ok) throw new Error(`challenge refused: ${res.status} ${res.headers.get(AuthHeader.close)}`);
  return ((await res.json()) as { challenge: string }).challenge;
}

/** How an upgrade ended: an open socket, or the HTTP refusal with its x-outpost-close code. */
export type UpgradeOutcome = { ok: true; ws: WebSocket } | { ok: false; status: number; code: number; body: string };

/** Upgrades to /v1/connect with exactly `headers` (plus Host) and reports what the relay answered. */
export function upgrade(
  url: string,
  host: string,
  headers: Record<string, string>,
  path = '/v1/connect',
): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}${path}`, {
      headers: { host, ...headers },
      perMessageDeflate: false,
      autoPong: true,
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ ok: false, status: res.statusCode ?? 0, code: Number(res.headers[AuthHeader.close]), body }),
      );
    });
    ws.once('open', () => resolve({ ok: true, ws }));
    ws.once('error', (err) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}

/** Signed headers for `identity` over a fresh challenge, with an optional enrollment. */
export async function signedHeaders(
  relay: { httpUrl: string; host: string },
  identity: Identity,
  enroll?: Enrollment,
): Promise<Record<string, string>> {
  return authHeaders(identity, await getChallenge(relay.httpUrl), relay.host, enroll);
}

/** A connected raw peer: its socket, the frames it received, and a promise of how the relay closed it. */
export interface RawPeer {
  ws: WebSocket;
  identity: Identity;
  frames: Frame[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first received frame matching `pred` (already received ones count). */
  next(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
}

/** Connects `identity` (default: a fresh one) with the real handshake; throws if the relay refuses. */
export async function connectRaw(
  relay: { url: string; httpUrl: string; host: string },
  identity: Identity = generateIdentity(),
  options: { enroll?: Enrollment; autoPong?: boolean } = {},
): Promise<RawPeer> {
  const headers = await signedHeaders(relay, identity, options.enroll);
  const ws = new WebSocket(`${relay.url}/v1/connect`, {
    headers: { host: relay.host, ...headers },
    perMessageDeflate: false,
    autoPong: options.autoPong ?? true,
  });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer) => {
    const d = decodeFrame(Buffer.from(data));
    if (d.ok) frames.push(d.frame);
    waiters.forEach((w) => w());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`refused: ${res.statusCode} ${String(res.headers[AuthHeader.close])}`)),
    );
    ws.once('error', reject);
  });
  return {
    ws,
    identity,
    frames,
    closed,
    next(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const f = frames.find(pred);
          if (f) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(f);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('expected frame did not arrive'));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** GET an HTTP path of the relay: status, the x-outpost-close header and the body. */
export function httpGet(
  httpUrl: string,
  path: string,
): Promise<{ status: number; close: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${httpUrl}${path}`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, close: res.headers[AuthHeader.close] as string | undefined, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
