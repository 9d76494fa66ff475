// Who is connected: one live connection per identity (a new one replaces the old), devices findable by name.
import type { Peer } from './peer';

/** The registry of live connections. It only indexes; the relay core decides when peers come and go. */
export class Hub {
  private readonly byKey = new Map<string, Peer>();
  private readonly devicesByName = new Map<string, Peer>();
  private operatorCount = 0;

  /**
   * Registers a freshly authenticated peer. An older connection of the same identity is unregistered and
   * returned: the caller closes it with REPLACED.
   */
  add(peer: Peer): Peer | undefined {
    const old = this.byKey.get(peer.publicKey);
    if (old) this.remove(old);
    this.byKey.set(peer.publicKey, peer);
    if (peer.kind === 'device') this.devicesByName.set(peer.name, peer);
    else this.operatorCount++;
    return old;
  }

  /** Unregisters `peer` if it is still the current connection of its identity; true when it was. */
  remove(peer: Peer): boolean {
    if (this.byKey.get(peer.publicKey) !== peer) return false;
    this.byKey.delete(peer.publicKey);
    if (peer.kind === 'device') this.devicesByName.delete(peer.name);
    else this.operatorCount--;
    return true;
  }

  /** The current connection of the device named `name`. */
  device(name: string): Peer | undefined {
    return this.devicesByName.get(name);
  }

  /** The current connection of the identity with `publicKey`. */
  byPublicKey(publicKey: string): Peer | undefined {
    return this.byKey.get(publicKey);
  }

  /** Every live connection. */
  peers(): IterableIterator<Peer> {
    return this.byKey.values();
  }

  get deviceCount(): number {
    return this.devicesByName.size;
  }

  get operatorsConnected(): number {
    return this.operatorCount;
  }
}
