// A bounded, sequence-numbered buffer of timestamped UART log lines, for replay after a reconnect.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

/** Level of a line, from the firmware's `D:`/`I:`/`W:`/`E:` prefix. */
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** One received line. */
export interface LogEntry {
  /** 1, 2, 3 … within this buffer's epoch; never reused. */
  readonly seq: number;
  /** Receive time, ms since the Unix epoch (the agent's clock: the device may have none). */
  readonly time: number;
  readonly level?: LogLevelName;
  readonly text: string;
}

/** What a replay returns. */
export interface Replay {
  readonly entries: LogEntry[];
  /** Sequence numbers asked for but already evicted (the buffer is bounded), inclusive. */
  readonly missed?: { readonly from: number; readonly to: number };
}

const LEVELS: Record<string, LogLevelName> = { D: 'debug', I: 'info', W: 'warn', E: 'error' };

/** The level of a firmware log line (`I: text` → info), or undefined for other output. */
export function levelOf(text: string): LogLevelName | undefined {
  const m = /^([DIWE]): /.exec(text);
  return m ? LEVELS[m[1]!] : undefined;
}

/**
 * Keeps the newest lines within a count and a byte budget, evicting the oldest; counts evictions. Emits 'entry'
 * (LogEntry) for each append. `epoch` is random per buffer: a reader that reconnects to a restarted agent sees
 * another epoch and knows its sequence number means nothing here.
 */
export class LogBuffer extends EventEmitter {
  readonly epoch = randomBytes(6).toString('hex');
  private readonly entries: LogEntry[] = [];
  private head = 0; // index of the oldest live entry in `entries`
  private bytes = 0;
  private next = 1;
  private evicted = 0;

  constructor(
    readonly maxEntries = 10_000,
    readonly maxBytes = 2 * 1024 * 1024,
  ) {
    super();
  }

  /** Stores a line; returns its entry. */
  append(text: string, time: number = Date.now()): LogEntry {
    const level = levelOf(text);
    const entry: LogEntry = level ? { seq: this.next++, time, level, text } : { seq: this.next++, time, text };
    this.entries.push(entry);
    this.bytes += entrySize(entry);
    while (this.size > this.maxEntries || (this.bytes > this.maxBytes && this.size > 1)) this.evictOldest();
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    this.emit('entry', entry);
    return entry;
  }

  /** Lines held now. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** The sequence number the next line will get. */
  get nextSeq(): number {
    return this.next;
  }

  /** The oldest sequence number still held (nextSeq when empty). */
  get oldestSeq(): number {
    return this.size > 0 ? this.entries[this.head]!.seq : this.next;
  }

  /** Lines evicted since this buffer was made. */
  get dropped(): number {
    return this.evicted;
  }

  /** Every held line with seq ≥ from, oldest first, and the range that was asked for but is gone. */
  since(from: number): Replay {
    const want = Math.max(1, Math.floor(from));
    const oldest = this.oldestSeq;
    const entries = this.entries.slice(this.head + (Math.max(want, oldest) - oldest));
    return want < oldest ? { entries, missed: { from: want, to: oldest - 1 } } : { entries };
  }

  /** The newest `count` lines. */
  tail(count: number): LogEntry[] {
    return this.since(Math.max(this.oldestSeq, this.next - Math.max(0, count))).entries;
  }

  private evictOldest(): void {
    const gone = this.entries[this.head++]!;
    this.bytes -= entrySize(gone);
    this.evicted++;
  }
}

function entrySize(e: LogEntry): number {
  return e.text.length * 2 + 48;
}
