// One authenticated connection: who it is, its socket and outbox, its channel ids and when it was last heard from.
import type WebSocket from 'ws';
import { CloseCode, closeMessage } from '../protocol/closeCodes';
import type { Role } from '../protocol/control';
import { truncateUtf8 } from '../protocol/frame';
import type { Principal } from './authz';
import { ChannelTable } from './channelTable';
import { Outbox, type Priority } from './outbox';
import type { Route } from './route';
import type { DeviceRecord } from './store/types';

/**
 * Who authenticated: a registered device (with its record and the keepalive interval it declared, in seconds)
 * or an operator with a role.
 */
export type PeerIdentity =
  | { kind: 'device'; name: string; publicKey: string; device: DeviceRecord; keepaliveSec: number }
  | { kind: 'operator'; name: string; publicKey: string; role: Role };

let nextPeerId = 1;

/** A live connection. The relay core owns its lifecycle; other code reads it and sends through it. */
export class Peer {
  readonly id = nextPeerId++;
  readonly channels = new ChannelTable<Route>();
  readonly connectedAt = new Date();
  /** Milliseconds timestamp of the last frame or pong from this peer. */
  lastHeard = Date.now();
  /** Set once the relay has started closing it; no more frames are handled or sent. */
  closing: CloseCode | undefined;
  private readonly outbox: Outbox;

  constructor(
    readonly identity: PeerIdentity,
    readonly ws: WebSocket,
    readonly address: string,
  ) {
    this.outbox = new Outbox(ws);
  }

  get kind(): 'device' | 'operator' {
    return this.identity.kind;
  }

  get name(): string {
    return this.identity.name;
  }

  get publicKey(): string {
    return this.identity.publicKey;
  }

  /** The identity as authorisation sees it. */
  get principal(): Principal {
    const id = this.identity;
    return id.kind === 'device'
      ? { kind: 'device', name: id.name }
      : { kind: 'operator', name: id.name, role: id.role };
  }

  /** Queues an encoded frame at `priority` (0 unless it belongs to a logs or ota channel). */
  send(frame: Buffer, priority: Priority = 0): void {
    if (this.closing === undefined) this.outbox.send(frame, priority);
  }

  /** Closes the WebSocket with an Outpost close code and its one-line message; idempotent. */
  close(code: CloseCode, reason: string = closeMessage(code)): void {
    if (this.closing !== undefined) return;
    this.closing = code;
    this.outbox.close();
    // WebSocket close reasons are limited to 123 bytes.
    this.ws.close(code, truncateUtf8(reason, 123));
    // A peer that never answers the close handshake is cut off rather than held open.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }

  /** Cuts the connection without a close handshake (dead peer). */
  terminate(code: CloseCode): void {
    this.closing ??= code;
    this.outbox.close();
    this.ws.terminate();
  }
}
