// startRelay: the HTTP(S) server, the authenticated WebSocket upgrade, /healthz, /metrics, heartbeat and graceful stop.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { silentLogger, type Logger } from '../common/log';
import { ChallengeBook } from '../protocol/challenges';
import { CloseCode, closeCodeName } from '../protocol/closeCodes';
import { ensureAdmin } from './adminIdentity';
import { controlHandlers } from './control';
import { RelayCore } from './core';
import { authenticate } from './handshake';
import { defaultFailureLimits, FailureLimiter, type FailureLimits } from './rateLimit';
import { OtaRelay } from './ota/otaRelay';
import { refuseRequest, refuseUpgrade } from './refuse';
import { SqliteStore } from './store/sqlite/sqliteStore';

/** How to run a relay. */
export interface RelayOptions {
  /** `HOST:PORT` (port 0 picks a free one) or the parts. */
  listen: string | { host: string; port: number };
  /** Where relay.db and admin.key live; created if missing. */
  dataDir: string;
  /** PEM certificate chain and private key: the relay then speaks wss:// itself. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  log?: Logger;
  /**
   * Liveness tick, default 30 s. Operators are pinged after one silent interval and cut off after two; devices are
   * never pinged and are cut off after two of their declared keepalive intervals plus one of these.
   */
  heartbeatMs?: number;
  /** Failed-handshake limit per client address. */
  failureLimits?: Partial<FailureLimits>;
  /** Take the client address from the last X-Forwarded-For entry (only behind a reverse proxy you run). */
  trustProxy?: boolean;
}

/** A running relay. */
export interface RunningRelay {
  /** `ws://HOST:PORT` or `wss://HOST:PORT`. */
  url: string;
  host: string;
  port: number;
  /** DATA/admin.key: the admin identity operators' commands can use with --key. */
  adminKeyFile: string;
  /** True when this start created the admin identity. */
  adminCreated: boolean;
  /** Closes every connection with RELAY_SHUTDOWN, stops listening and closes the store. */
  close(): Promise<void>;
}

/** Largest WebSocket message accepted at all; frames over the protocol limits but under this get FRAME_TOO_LARGE. */
const wsMaxPayload = 1024 * 1024;

/**
 * A client must send its whole request head within headersTimeout (slow-loris); checked every second so the cut
 * comes soon after. Upgraded WebSocket connections are no longer HTTP requests and are not affected.
 */
const httpLimits = { headersTimeout: 10_000, requestTimeout: 20_000, connectionsCheckingInterval: 1_000 };

/** One-line answers to HTTP parser failures a client can fix. */
const clientErrorRules: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'request head too large: at most 16 KiB of headers',
  ERR_HTTP_REQUEST_TIMEOUT: 'request head too slow: send all headers within 10 s',
};

function parseListen(listen: RelayOptions['listen']): { host: string; port: number } {
  if (typeof listen !== 'string') return listen;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) throw new RangeError(`listen address "${listen}" is not HOST:PORT`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

/** Starts a relay and resolves once it accepts connections. */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const log = options.log ?? silentLogger;
  const { host, port } = parseListen(options.listen);
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const store = SqliteStore.open(options.dataDir);
  let admin;
  try {
    admin = await ensureAdmin(store, options.dataDir, new Date());
  } catch (err) {
    await store.close();
    throw err;
  }
  const challenges = new ChallengeBook();
  const limiter = new FailureLimiter({ ...defaultFailureLimits, ...options.failureLimits });
  const ota = new OtaRelay();
  const handlers = new Map([...controlHandlers, ...ota.handlers().map((h) => [h.method, h] as const)]);
  const core = new RelayCore(store, log, () => challenges.size, handlers);
  try {
    await ota.attach(core, store.db, options.dataDir, (event, data) => core.fleet.event(event, data));
  } catch (err) {
    await store.close();
    throw err;
  }
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: wsMaxPayload });

  const clientAddress = (req: IncomingMessage): string => {
    const forwarded = options.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const last = typeof forwarded === 'string' ? forwarded.split(',').pop()?.trim() : undefined;
    return last || req.socket.remoteAddress || 'unknown';
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(
        JSON.stringify({ status: 'ok', devices: core.hub.deviceCount, operators: core.hub.operatorsConnected }) + '\n',
      );
    } else if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(core.metrics.render());
    } else if (path === '/v1/challenge') {
      if (limiter.blocked(clientAddress(req), Date.now())) return refuseRequest(res, CloseCode.RATE_LIMITED);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(challenges.issue(Date.now())));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  };

  const fail = (socket: Duplex, address: string, code: CloseCode, reason: string): void => {
    limiter.fail(address, Date.now());
    core.metrics.handshakeFailed(closeCodeName(code) ?? String(code));
    log.info('handshake refused', { address, code: closeCodeName(code), reason });
    // A malformed request learns which rule it broke; authentication failures get only their code's message.
    refuseUpgrade(socket, code, code === CloseCode.PROTOCOL_ERROR ? reason : undefined);
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    // A client that resets mid-handshake must not take the relay down.
    socket.on('error', (err) => log.debug('upgrade socket error', { error: err.message }));
    const address = clientAddress(req);
    if (limiter.blocked(address, Date.now())) {
      core.metrics.handshakeFailed('RATE_LIMITED');
      return refuseUpgrade(socket, CloseCode.RATE_LIMITED);
    }
    if ((req.url ?? '').split('?')[0] !== '/v1/connect')
      return fail(socket, address, CloseCode.PROTOCOL_ERROR, 'unknown path: connect to /v1/connect');
    const result = await authenticate(
      { store, challenges, now: () => new Date() },
      req.headers,
      req.headers.host ?? '',
    );
    if (!result.ok) return fail(socket, address, result.code, result.reason);
    if (socket.destroyed) return;
    core.metrics.handshakeSucceeded();
    wss.handleUpgrade(req, socket, head, (ws) => core.attach(ws, result.value, address));
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key, ...httpLimits }, onRequest)
    : http.createServer(httpLimits, onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((err: unknown) => {
      log.error('upgrade failed', { error: (err as Error).message });
      refuseUpgrade(socket, CloseCode.PROTOCOL_ERROR);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    log.debug('bad HTTP request', { error: err.message });
    // Oversized or too slow request heads learn their rule; anything else unparsable is just cut.
    const rule = clientErrorRules[err.code ?? ''];
    if (rule && socket.writable) refuseUpgrade(socket, CloseCode.PROTOCOL_ERROR, rule);
    else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  server.on('error', (err) => log.error('server error', { error: err.message }));
  const heartbeat = setInterval(() => core.heartbeat(Date.now(), heartbeatMs), heartbeatMs);
  heartbeat.unref();

  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls ? 'wss' : 'ws'}://${urlHost}:${actualPort}`;
  log.info('relay listening', { url, dataDir: options.dataDir });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      clearInterval(heartbeat);
      ota.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      core.closeAll(CloseCode.RELAY_SHUTDOWN);
      server.closeIdleConnections();
      // Give peers a moment to finish the close handshake, then cut whatever is left.
      const deadline = Date.now() + 2000;
      while ([...wss.clients].some((c) => c.readyState !== c.CLOSED) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await stopped;
      await store.close();
      log.info('relay stopped');
    })());

  return { url, host, port: actualPort, adminKeyFile: admin.keyFile, adminCreated: admin.created, close };
}
