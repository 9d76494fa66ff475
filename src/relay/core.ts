// The relay core: attaches authenticated sockets, dispatches their frames, and tears connections down in one place.
import type WebSocket from 'ws';
import type { Logger } from '../common/log';
import type { ChannelKind } from '../protocol/channels';
import { CloseCode, closeCodeName } from '../protocol/closeCodes';
import { decodeFrame, encodeFrame, FrameType } from '../protocol/frame';
import { deviceSilenceLimitMs } from '../protocol/keepalive';
import { controlHandlers } from './control';
import { handleControl } from './control/dispatch';
import type { ControlHandler, RelayContext } from './control/handler';
import { deviceInfo } from './deviceInfo';
import { Fleet } from './fleet';
import { Hub } from './hub';
import { RelayMetrics } from './metrics';
import { Peer, type PeerIdentity } from './peer';
import { Router } from './router';
import type { Store } from './store/store';
import type { AuditEntry } from './store/types';

/** Connection state and frame handling of a relay, independent of how sockets arrive (HTTP server, TLS, tests). */
export class RelayCore implements RelayContext {
  readonly hub = new Hub();
  readonly fleet = new Fleet();
  readonly router: Router;
  readonly metrics: RelayMetrics;
  private readonly gone = new WeakSet<Peer>();

  constructor(
    readonly store: Store,
    readonly log: Logger,
    pendingChallenges: () => number,
    private readonly handlers: ReadonlyMap<string, ControlHandler> = controlHandlers,
  ) {
    this.metrics = new RelayMetrics({
      connectedDevices: () => this.hub.deviceCount,
      connectedOperators: () => this.hub.operatorsConnected,
      openChannels: () => this.router.openCounts(),
      pendingChallenges,
    });
    this.router = new Router(this);
  }

  now(): Date {
    return new Date();
  }

  audit(entry: Omit<AuditEntry, 'time'>): void {
    this.store.audit.append({ time: this.now().toISOString(), ...entry }).catch((err: unknown) => {
      this.log.error('audit write failed', { action: entry.action, error: (err as Error).message });
    });
  }

  /** Takes over an authenticated WebSocket; an older connection of the same device is closed with REPLACED. */
  attach(ws: WebSocket, identity: PeerIdentity, address: string): Peer {
    const peer = new Peer(identity, ws, address);
    const old = this.hub.add(peer);
    if (old) this.disconnect(old, CloseCode.REPLACED);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(peer, data, isBinary));
    ws.on('pong', () => {
      peer.lastHeard = Date.now();
    });
    ws.on('close', (code: number) => this.release(peer, code));
    ws.on('error', (err: Error) => this.log.debug('socket error', { peer: peer.name, error: err.message }));
    this.log.info('connected', {
      kind: identity.kind,
      name: identity.name,
      address,
      replaced: old !== undefined,
      ...(identity.kind === 'device' && { keepaliveSec: identity.keepaliveSec }),
    });
    if (identity.kind === 'device') {
      identity.device.lastSeen = peer.connectedAt.toISOString();
      this.store.devices.touch(identity.name, peer.connectedAt).catch((err: unknown) => {
        this.log.error('presence write failed', { device: identity.name, error: (err as Error).message });
      });
      this.fleet.updated(deviceInfo(identity.device, peer));
    }
    return peer;
  }

  /** Closes `peer` with `code` and releases everything it held right away (not waiting for the close handshake). */
  disconnect(peer: Peer, code: CloseCode): void {
    peer.close(code);
    this.release(peer, code);
  }

  closeChannels(peer: Peer, which: (kind: ChannelKind) => boolean, code: CloseCode, reason: string): number {
    return this.router.endChannels(peer, which, code, reason);
  }

  /** Cuts a dead peer off (no close handshake) and releases it. */
  terminate(peer: Peer, code: CloseCode): void {
    peer.terminate(code);
    this.release(peer, code);
  }

  /**
   * One liveness tick, every `intervalMs`. Operators silent for about an interval are pinged, and cut off after
   * two. Devices are never pinged — on a cellular link every exchange costs data and radio energy — but keep
   * their link alive themselves at the interval they declared; one silent for two of those plus one relay
   * interval is cut off. Both end with HEARTBEAT_TIMEOUT.
   */
  heartbeat(nowMs: number, intervalMs: number): void {
    // A tenth of an interval of slack, so a peer heard just after the last tick is still pinged on this one.
    const slack = intervalMs / 10;
    for (const peer of [...this.hub.peers()]) {
      const silent = nowMs - peer.lastHeard;
      const id = peer.identity;
      if (id.kind === 'device') {
        if (silent >= deviceSilenceLimitMs(id.keepaliveSec, intervalMs))
          this.terminate(peer, CloseCode.HEARTBEAT_TIMEOUT);
      } else if (silent >= 2 * intervalMs - slack) this.terminate(peer, CloseCode.HEARTBEAT_TIMEOUT);
      else if (silent >= intervalMs - slack) peer.ws.ping();
    }
  }

  /** Closes every connection with `code` (RELAY_SHUTDOWN on a graceful stop). */
  closeAll(code: CloseCode): void {
    for (const peer of [...this.hub.peers()]) this.disconnect(peer, code);
  }

  private onMessage(peer: Peer, data: Buffer, isBinary: boolean): void {
    if (peer.closing !== undefined) return;
    peer.lastHeard = Date.now();
    if (!isBinary) return this.disconnect(peer, CloseCode.PROTOCOL_ERROR);
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      this.log.info('closing on a bad frame', {
        name: peer.name,
        code: closeCodeName(decoded.code),
        reason: decoded.reason,
      });
      return this.disconnect(peer, decoded.code);
    }
    const frame = decoded.frame;
    switch (frame.type) {
      case FrameType.CONTROL:
        return handleControl(this, this.handlers, peer, frame.json);
      case FrameType.OPEN:
        return this.router.open(peer, frame.channel, frame.json);
      case FrameType.OPEN_OK:
        return this.router.openOk(peer, frame.channel, frame.json, data);
      case FrameType.DATA:
        return this.router.data(peer, frame.channel, frame.data.length, data);
      case FrameType.CREDIT:
        return this.router.credit(peer, frame.channel, frame.bytes, data);
      case FrameType.CLOSE:
        return this.router.close(peer, frame.channel, frame.code, data);
      case FrameType.PING:
        // The agent's keepalive: answered at once so the carrier's NAT sees traffic both ways.
        return peer.send(encodeFrame({ ...frame, type: FrameType.PONG }));
      case FrameType.PONG:
        return;
    }
  }

  /** Releases what `peer` held: its channels, its subscription, its presence. Runs once per peer. */
  private release(peer: Peer, code: number): void {
    if (this.gone.has(peer)) return;
    this.gone.add(peer);
    this.router.teardown(peer);
    this.fleet.unsubscribe(peer);
    const wasCurrent = this.hub.remove(peer);
    const id = peer.identity;
    this.log.info('disconnected', { kind: id.kind, name: id.name, code: closeCodeName(code) ?? code });
    if (id.kind === 'device' && wasCurrent) {
      const now = this.now();
      id.device.lastSeen = now.toISOString();
      this.store.devices.touch(id.name, now).catch((err: unknown) => {
        this.log.error('presence write failed', { device: id.name, error: (err as Error).message });
      });
      this.fleet.updated(deviceInfo(id.device, undefined));
    }
  }
}
