// The channel router: authorises OPENs, maps ids between operator and device connections, forwards frames unmodified.
import { CloseCode, closeCodeName, closeMessage } from '../protocol/closeCodes';
import { CHANNEL_KINDS, parseOpenOk, parseOperatorOpen, type ChannelKind } from '../protocol/channels';
import { closeFrame, encodeFrame, FrameType } from '../protocol/frame';
import type { Logger } from '../common/log';
import { refuseOpen } from './authz';
import type { Hub } from './hub';
import type { RelayMetrics } from './metrics';
import { priorityOf } from './outbox';
import type { Peer } from './peer';
import { Route } from './route';
import type { Store } from './store/store';
import type { AuditEntry } from './store/types';

/** What the router needs from the relay core. */
export interface RouterContext {
  readonly store: Store;
  readonly hub: Hub;
  readonly log: Logger;
  readonly metrics: RelayMetrics;
  disconnect(peer: Peer, code: CloseCode): void;
  audit(entry: Omit<AuditEntry, 'time'>): void;
}

/** Puts the id of the receiving connection into a frame the relay forwards; the payload is never touched. */
function withChannel(raw: Buffer, channel: number): Buffer {
  raw.writeUInt32BE(channel, 2);
  return raw;
}

/**
 * Routes channels between operators and devices. It sees DATA only as opaque bytes (E2E ciphertext), keeps
 * per-direction credit so a peer that floods is dropped (CREDIT_EXCEEDED) instead of buffered, and closes both
 * ends when either goes away.
 */
export class Router {
  private readonly routes = new Set<Route>();

  constructor(private readonly ctx: RouterContext) {}

  /** An OPEN from `peer` on `channel` with payload `json`. */
  open(peer: Peer, channel: number, json: unknown): void {
    const who = peer.principal;
    if (who.kind !== 'operator') return this.ctx.disconnect(peer, CloseCode.PROTOCOL_ERROR);
    const bad = peer.channels.checkClaim(channel);
    if (bad !== undefined) return this.ctx.disconnect(peer, bad);
    const parsed = parseOperatorOpen(json);
    if (!parsed.ok) {
      peer.channels.release(channel);
      peer.send(closeFrame(channel, parsed.code, parsed.reason));
      return;
    }
    const { kind, device: deviceName, e2e } = parsed.value;
    const device = this.ctx.hub.device(deviceName);
    // The role is checked before presence, so a refused role learns nothing about the fleet.
    const forbidden = refuseOpen(who, kind, 'online');
    if (forbidden !== undefined || !device) peer.channels.release(channel);
    if (forbidden !== undefined) return this.refuse(peer, channel, kind, deviceName, forbidden);
    if (!device) {
      // Offline or unknown: only the store can tell which.
      void this.ctx.store.devices.byName(deviceName).then(
        (record) =>
          this.refuse(
            peer,
            channel,
            kind,
            deviceName,
            refuseOpen(who, kind, record ? 'offline' : 'unknown') ?? CloseCode.DEVICE_OFFLINE,
          ),
        (err: unknown) => {
          this.ctx.log.error('device lookup failed', { error: (err as Error).message });
          this.refuse(peer, channel, kind, deviceName, CloseCode.DEVICE_OFFLINE);
        },
      );
      return;
    }
    const route = new Route(kind, peer, channel, device);
    const payload = { kind, operator: peer.name, operatorKey: peer.publicKey, ...(e2e && { e2e }) };
    let frame: Buffer;
    try {
      route.deviceChannel = device.channels.allocate(route);
      frame = encodeFrame({ type: FrameType.OPEN, channel: route.deviceChannel, json: payload });
    } catch {
      // Only an e2e object at the very edge of the size limit gets here.
      device.channels.release(route.deviceChannel);
      peer.channels.release(channel);
      return this.refuse(peer, channel, kind, deviceName, CloseCode.FRAME_TOO_LARGE);
    }
    peer.channels.claim(channel, route);
    this.routes.add(route);
    device.send(frame, priorityOf(kind));
  }

  /** An OPEN_OK from `peer` (the device accepting): forwarded verbatim to the operator. */
  openOk(peer: Peer, channel: number, json: unknown, raw: Buffer): void {
    const route = this.routeOf(peer, channel);
    if (!route) return;
    if (peer !== route.device || route.accepted) return this.ctx.disconnect(peer, CloseCode.PROTOCOL_ERROR);
    const parsed = parseOpenOk(json);
    if (!parsed.ok) {
      this.end(route, CloseCode.PROTOCOL_ERROR, 'device sent a malformed OPEN_OK');
      return;
    }
    route.accepted = true;
    this.record(route, 'ok');
    route.operator.send(withChannel(raw, route.operatorChannel), priorityOf(route.kind));
  }

  /** DATA from `peer`: spends its credit and goes to the other end. */
  data(peer: Peer, channel: number, bytes: number, raw: Buffer): void {
    const route = this.routeOf(peer, channel);
    if (!route) return;
    const spent = route.creditOf(peer).spend(bytes);
    if (!spent.ok) return this.ctx.disconnect(peer, spent.code);
    const far = route.far(peer);
    this.ctx.metrics.addBytes(route.kind, far.peer === route.device ? 'to_device' : 'to_operator', bytes);
    far.peer.send(withChannel(raw, far.channel), priorityOf(route.kind));
  }

  /** CREDIT from `peer`: the other end may send that much more. */
  credit(peer: Peer, channel: number, bytes: number, raw: Buffer): void {
    const route = this.routeOf(peer, channel);
    if (!route) return;
    const far = route.far(peer);
    const granted = route.creditOf(far.peer).grant(bytes);
    if (!granted.ok) return this.ctx.disconnect(peer, granted.code);
    far.peer.send(withChannel(raw, far.channel), priorityOf(route.kind));
  }

  /** CLOSE from `peer`: forwarded, and the channel is gone on both connections. */
  close(peer: Peer, channel: number, code: number, raw: Buffer): void {
    const route = this.routeOf(peer, channel);
    if (!route) return;
    const far = route.far(peer);
    this.forget(route);
    if (!route.accepted) {
      this.record(route, peer === route.device ? (closeCodeName(code) ?? 'CHANNEL_REFUSED') : 'cancelled');
    }
    far.peer.send(withChannel(raw, far.channel), priorityOf(route.kind));
  }

  /** `peer` is gone: every channel it had is closed at the other end. */
  teardown(peer: Peer): void {
    const [code, reason] =
      peer.kind === 'device'
        ? [CloseCode.DEVICE_OFFLINE, closeMessage(CloseCode.DEVICE_OFFLINE)]
        : [CloseCode.NORMAL, 'operator disconnected'];
    for (const [, route] of [...peer.channels.entries()]) {
      const far = route.far(peer);
      this.forget(route);
      if (!route.accepted) this.record(route, peer.kind === 'device' ? 'DEVICE_OFFLINE' : 'cancelled');
      far.peer.send(closeFrame(far.channel, code, reason), priorityOf(route.kind));
    }
  }

  /**
   * Closes the channels of `peer` whose kind `which` selects, on both ends, with `code` and `reason` (an
   * operator whose new role may no longer hold them); resolves how many were closed.
   */
  endChannels(peer: Peer, which: (kind: ChannelKind) => boolean, code: CloseCode, reason: string): number {
    let closed = 0;
    for (const [, route] of [...peer.channels.entries()]) {
      if (!which(route.kind)) continue;
      this.end(route, code, reason);
      closed += 1;
    }
    return closed;
  }

  /** Channels open now, by kind. */
  openCounts(): Record<ChannelKind, number> {
    const counts = Object.fromEntries(CHANNEL_KINDS.map((k) => [k, 0])) as Record<ChannelKind, number>;
    for (const r of this.routes) counts[r.kind]++;
    return counts;
  }

  /** The route a frame on `channel` from `peer` belongs to; unknown ids close the connection, closed ones are dropped. */
  private routeOf(peer: Peer, channel: number): Route | undefined {
    const found = peer.channels.lookup(channel);
    if (found.state === 'unknown') this.ctx.disconnect(peer, CloseCode.UNKNOWN_CHANNEL);
    return found.state === 'open' ? found.value : undefined;
  }

  /** Closes a route on both ends with `code` (the relay's own decision, not a peer's CLOSE). */
  private end(route: Route, code: CloseCode, reason: string): void {
    this.forget(route);
    if (!route.accepted) this.record(route, closeCodeName(code) ?? String(code));
    route.operator.send(closeFrame(route.operatorChannel, code, reason), priorityOf(route.kind));
    route.device.send(closeFrame(route.deviceChannel, code, reason), priorityOf(route.kind));
  }

  private forget(route: Route): void {
    this.routes.delete(route);
    route.operator.channels.release(route.operatorChannel);
    route.device.channels.release(route.deviceChannel);
  }

  private refuse(peer: Peer, channel: number, kind: ChannelKind, device: string, code: CloseCode): void {
    this.ctx.audit({
      actor: peer.name,
      action: 'open',
      device,
      channelKind: kind,
      result: closeCodeName(code) ?? String(code),
    });
    this.ctx.metrics.channelOpened(kind, closeCodeName(code) ?? String(code));
    peer.send(closeFrame(channel, code, closeMessage(code)));
  }

  private record(route: Route, result: string): void {
    this.ctx.audit({
      actor: route.operator.name,
      action: 'open',
      device: route.device.name,
      channelKind: route.kind,
      result,
    });
    this.ctx.metrics.channelOpened(route.kind, result);
  }
}
