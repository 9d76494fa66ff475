// Who is connected: one live connection per device (a new one replaces the old), any number per operator key.
import type { Peer } from './peer';

/**
 * The registry of live connections. It only indexes; the relay core decides when peers come and go.
 * A device is one radio and one agent, so its identity has one connection; an operator may be at the editor and
 * the CLI at once with the same key, so operators' connections coexist.
 */
export class Hub {
  private readonly devicesByKey = new Map<string, Peer>();
  private readonly devicesByName = new Map<string, Peer>();
  private readonly operatorsByKey = new Map<string, Set<Peer>>();
  private operatorCount = 0;

  /**
   * Registers a freshly authenticated peer. For a device, an older connection of the same identity is
   * unregistered and returned: the caller closes it with REPLACED. Operators' connections never replace.
   */
  add(peer: Peer): Peer | undefined {
    if (peer.kind === 'operator') {
      const set = this.operatorsByKey.get(peer.publicKey) ?? new Set<Peer>();
      set.add(peer);
      this.operatorsByKey.set(peer.publicKey, set);
      this.operatorCount++;
      return undefined;
    }
    const old = this.devicesByKey.get(peer.publicKey);
    if (old) this.remove(old);
    this.devicesByKey.set(peer.publicKey, peer);
    this.devicesByName.set(peer.name, peer);
    return old;
  }

  /** Unregisters `peer` if it is still registered (a device: still its identity's connection); true when it was. */
  remove(peer: Peer): boolean {
    if (peer.kind === 'operator') {
      const set = this.operatorsByKey.get(peer.publicKey);
      if (!set?.delete(peer)) return false;
      if (set.size === 0) this.operatorsByKey.delete(peer.publicKey);
      this.operatorCount--;
      return true;
    }
    if (this.devicesByKey.get(peer.publicKey) !== peer) return false;
    this.devicesByKey.delete(peer.publicKey);
    this.devicesByName.delete(peer.name);
    return true;
  }

  /** The current connection of the device named `name`. */
  device(name: string): Peer | undefined {
    return this.devicesByName.get(name);
  }

  /** Every live connection of the operator with `publicKey` (none, one, or several). */
  operatorConnections(publicKey: string): Peer[] {
    return [...(this.operatorsByKey.get(publicKey) ?? [])];
  }

  /** Every live connection. */
  *peers(): IterableIterator<Peer> {
    yield* this.devicesByKey.values();
    for (const set of this.operatorsByKey.values()) yield* set;
  }

  get deviceCount(): number {
    return this.devicesByName.size;
  }

  get operatorsConnected(): number {
    return this.operatorCount;
  }
}
