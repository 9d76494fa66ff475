// The channel ids of one connection: which are open (and to what), which were closed, and fresh ids for the relay's own opens.
import { CloseCode } from '../protocol/closeCodes';

/** What a frame's channel id refers to on one connection. */
export type ChannelLookup<T> = { state: 'open'; value: T } | { state: 'closed' } | { state: 'unknown' };

/** How many closed ids an operator connection remembers, so late frames after a CLOSE are dropped, not fatal. */
const rememberedClosed = 1024;

/**
 * Channel ids of one connection. Operators pick odd ids (claim()); on a device connection the relay is the
 * opener and allocates ids (allocate()). Frames for a closed id are dropped quietly, because the peer may have
 * sent them before it saw the CLOSE; frames for an id never opened are UNKNOWN_CHANNEL.
 */
export class ChannelTable<T> {
  private readonly open = new Map<number, T>();
  private readonly closed = new Set<number>();
  private nextAllocated = 1;

  /** Why the peer may not open `id` (even, or already open), or undefined; a closed id may be opened again. */
  checkClaim(id: number): CloseCode | undefined {
    return id % 2 === 0 || this.open.has(id) ? CloseCode.PROTOCOL_ERROR : undefined;
  }

  /** Binds an id the peer chose for its OPEN (after checkClaim). */
  claim(id: number, value: T): void {
    this.closed.delete(id);
    this.open.set(id, value);
  }

  /** A fresh id for a channel the relay opens on this connection (ids are never reused on a connection). */
  allocate(value: T): number {
    const id = this.nextAllocated;
    // 2^32 opens on one connection would take years; wrapping past the u32 range is still refused, not corrupted.
    this.nextAllocated = id >= 0xffffffff ? 1 : id + 1;
    this.open.set(id, value);
    return id;
  }

  lookup(id: number): ChannelLookup<T> {
    const value = this.open.get(id);
    if (value !== undefined) return { state: 'open', value };
    if (this.closed.has(id) || (id !== 0 && id < this.nextAllocated)) return { state: 'closed' };
    return { state: 'unknown' };
  }

  /** Marks an id closed (late frames for it are dropped); returns what it was bound to. */
  release(id: number): T | undefined {
    const value = this.open.get(id);
    this.open.delete(id);
    this.closed.add(id);
    if (this.closed.size > rememberedClosed) this.closed.delete(this.closed.values().next().value as number);
    return value;
  }

  /** Ids currently open with what they are bound to. */
  entries(): IterableIterator<[number, T]> {
    return this.open.entries();
  }

  get size(): number {
    return this.open.size;
  }
}
