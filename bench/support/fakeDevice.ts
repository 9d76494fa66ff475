// Lightweight fake devices for relay benches and load tests: raw `ws`, the real signed handshake, an optional keepalive.
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import WebSocket from 'ws';
import { Backoff } from '../../src/link/backoff';
import { AuthHeader, authMessage } from '../../src/protocol/auth';
import { decodeFrame, encodeFrame, FrameType, PROTOCOL_VERSION } from '../../src/protocol/frame';
import type { Identity } from '../../src/protocol/identity';
import { KEEPALIVE_HEADER } from '../../src/protocol/keepalive';

/** DER PKCS#8 prefix of a raw Ed25519 seed (RFC 8410). */
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How a fake device connects. */
export interface FakeDeviceOptions {
  /** Connection pool for GET /v1/challenge (keep-alive, so thousands of devices do not each open one). */
  agent: http.Agent;
  /** Source address of its WebSocket (spread thousands of sockets over several to widen the port range). */
  localAddress?: string;
  /** Keepalive interval declared in the upgrade (x-outpost-keepalive); absent = the relay's default. */
  keepaliveSec?: number;
}

/**
 * One fake device: connects with the real handshake, answers WebSocket pings (ws does), reconnects with the
 * agent's backoff when `reconnect` is set, and with `startKeepalive()` PINGs at its declared interval as a silent
 * agent does, counting the PONGs. Its `ws` may also be handed to the link's Connection to serve channels.
 */
export class FakeDevice {
  ws?: WebSocket;
  connects = 0;
  failures = 0;
  /** When the last connect completed (ms since epoch). */
  connectedAt = 0;
  readonly reasons = new Map<string, number>();
  /** Close codes of connections that ended while this device meant to stay (neither `stop()` nor a test's cut). */
  readonly drops: number[] = [];
  reconnect = false;
  pingsSent = 0;
  pongs = 0;
  /** Longest keepalive round trip seen, ms. */
  maxPongMs = 0;
  private readonly backoff = new Backoff();
  private key?: KeyObject;
  private keepaliveTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    readonly identity: Identity,
    private readonly port: number,
    private readonly options: FakeDeviceOptions,
  ) {}

  /**
   * The signed upgrade headers, byte for byte what src/protocol/auth.ts makes, but signed with node:crypto
   * (native) so that thousands of fake devices in one process measure the relay rather than this process's signing.
   */
  private headers(challenge: string, host: string): Record<string, string> {
    this.key ??= createPrivateKey({
      key: Buffer.concat([pkcs8Prefix, this.identity.secretKey]),
      format: 'der',
      type: 'pkcs8',
    });
    const message = authMessage(Buffer.from(challenge, 'base64url'), this.identity.publicKey, host);
    return {
      [AuthHeader.key]: this.identity.publicKeyText,
      [AuthHeader.challenge]: challenge,
      [AuthHeader.signature]: cryptoSign(null, message, this.key).toString('base64url'),
      [AuthHeader.protocol]: String(PROTOCOL_VERSION),
      ...(this.options.keepaliveSec !== undefined && { [KEEPALIVE_HEADER]: String(this.options.keepaliveSec) }),
    };
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  async connect(): Promise<void> {
    const host = `127.0.0.1:${this.port}`;
    const challenge = await new Promise<string>((resolve, reject) => {
      http
        .get(`http://${host}/v1/challenge`, { agent: this.options.agent }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve((JSON.parse(body) as { challenge: string }).challenge)
              : reject(new Error(`challenge ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
    const ws = new WebSocket(`ws://${host}/v1/connect`, {
      headers: this.headers(challenge, host),
      perMessageDeflate: false,
      localAddress: this.options.localAddress,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (!this.stopping) this.drops.push(code);
      if (this.reconnect) void this.retry();
    });
    this.ws = ws;
    this.connects++;
    this.connectedAt = Date.now();
    this.backoff.reset();
  }

  failed(err: unknown): void {
    this.failures++;
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    this.reasons.set(why, (this.reasons.get(why) ?? 0) + 1);
  }

  async retry(): Promise<void> {
    for (let attempt = 0; attempt < 20 && this.reconnect; attempt++) {
      await sleep(this.backoff.next());
      try {
        await this.connect();
        return;
      } catch (err) {
        this.failed(err);
      }
    }
  }

  /**
   * PINGs every declared keepalive interval (this device sends nothing else, so the link is always silent that
   * long, when an agent PINGs) and counts the relay's PONGs.
   */
  startKeepalive(): void {
    const ws = this.ws;
    const sec = this.options.keepaliveSec;
    if (!ws || sec === undefined) throw new Error('startKeepalive needs a connected device with keepaliveSec');
    const sent = new Map<bigint, number>();
    ws.on('message', (data: Buffer) => {
      const d = decodeFrame(data);
      if (!d.ok || d.frame.type !== FrameType.PONG) return;
      const at = sent.get(d.frame.timestampUs);
      if (at === undefined) return;
      sent.delete(d.frame.timestampUs);
      this.pongs++;
      this.maxPongMs = Math.max(this.maxPongMs, performance.now() - at);
    });
    const ping = (): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const at = performance.now();
      const ts = BigInt(Math.round((performance.timeOrigin + at) * 1000));
      sent.set(ts, at);
      this.pingsSent++;
      ws.send(encodeFrame({ type: FrameType.PING, channel: 0, timestampUs: ts, opaque: Buffer.alloc(0) }));
    };
    // Spread the first PING over the interval so a thousand devices do not PING in step.
    this.keepaliveTimer = setTimeout(
      () => {
        ping();
        this.keepaliveTimer = setInterval(ping, sec * 1000);
      },
      Math.random() * sec * 1000,
    );
  }

  /** Closes the connection on purpose (not counted as a drop) and stops reconnecting and PINGing. */
  stop(): void {
    this.stopping = true;
    this.reconnect = false;
    clearTimeout(this.keepaliveTimer);
    clearInterval(this.keepaliveTimer);
    this.ws?.terminate();
  }
}

/** Connects every device, `concurrency` at a time, each with up to five attempts; returns the seconds it took. */
export async function connectAll(devices: FakeDevice[], concurrency: number): Promise<number> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < devices.length) {
        const d = devices[next++];
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            await d.connect();
            break;
          } catch (err) {
            d.failed(err);
            await sleep(200);
          }
        }
      }
    }),
  );
  return (Date.now() - started) / 1000;
}
