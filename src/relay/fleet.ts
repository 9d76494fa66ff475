// Fleet events: operators that called fleet.subscribe get device.updated / device.removed as the registry and presence change.
import { controlFrame } from '../protocol/frame';
import type { DeviceInfo } from '../protocol/control';
import type { Peer } from './peer';

/** The set of subscribed operator connections and the events sent to them. */
export class Fleet {
  private readonly subscribers = new Set<Peer>();

  subscribe(peer: Peer): void {
    this.subscribers.add(peer);
  }

  unsubscribe(peer: Peer): void {
    this.subscribers.delete(peer);
  }

  /** A device came online, went offline, reported telemetry or was added. */
  updated(device: DeviceInfo): void {
    this.publish({ event: 'device.updated', data: { device } });
  }

  /** A device.updated event to one subscriber only (a fleet snapshot too big for one reply). */
  updatedFor(peer: Peer, device: DeviceInfo): void {
    if (this.subscribers.has(peer)) peer.send(controlFrame({ event: 'device.updated', data: { device } }));
  }

  /** A device was removed from the registry. */
  removed(name: string): void {
    this.publish({ event: 'device.removed', data: { name } });
  }

  /** Any other fleet-wide event to subscribers (e.g. `deployment.updated` from the OTA service). */
  event(event: string, data: unknown): void {
    this.publish({ event, data });
  }

  private publish(message: unknown): void {
    if (this.subscribers.size === 0) return;
    // Encoded once for every subscriber.
    const frame = controlFrame(message);
    for (const peer of this.subscribers) peer.send(frame);
  }
}
