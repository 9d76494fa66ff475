// The operator side's answers for GDB (pure): setup answers for the session, stop state until the target changes.
import type { Prefetch, QueryAnswer } from '../../protocol/rspAccel';
import { classifyPacket, memoryRead, normalizeThread, threadIds } from './packetClass';
import { parseXferRead, xferReply } from './xferDocs';

/**
 * The rules, in one place:
 * - Only pure reads (`read`) and setup queries (`setup`) are ever answered from here; everything else goes to the
 *   stub, and everything that is neither a read nor a setup query nor a thread selection nor a breakpoint calls
 *   invalidate() first (resumes, writes, monitor commands, anything unknown). A software breakpoint (Z0/z0) drops
 *   the cached memory it covers (forgetUnder).
 * - Setup answers (qSupported, target description, vCont?) come from the agent's handshake and last the session.
 * - Stop state (registers, threads, stop reason, memory) comes only from what the agent pushed since the last
 *   invalidation, by exact packet text for queries and by byte range for memory. The agent pushes RAM and flash
 *   only, never peripheral addresses.
 * - `g` and `p` are served only while GDB's selected thread is the one they were read for.
 */
export class AccelCache {
  private readonly setup = new Map<string, string>();
  private readonly docs = new Map<string, string>();
  private readonly stop = new Map<string, string>();
  private memory: Array<{ addr: number; data: Buffer }> = [];
  /** The thread `g` was read for (normalized); threads known at the last stop. */
  private registersOf = 'any';
  private threads: string[] = [];

  /** Takes the handshake's setup answers and whole documents (keyed `features:target.xml`). */
  addSetup(answers: QueryAnswer[], docs: QueryAnswer[]): void {
    for (const [k, v] of answers) this.setup.set(k, v);
    for (const [k, v] of docs) this.docs.set(k, v);
  }

  /** Takes what the agent pushed with a stop (or a read); `thread` is GDB's current `Hg` selection. */
  absorb(pre: Prefetch, thread: string | undefined): void {
    for (const [k, v] of pre.q) {
      if (classifyPacket(k) !== 'read' && classifyPacket(k) !== 'setup') continue;
      this.stop.set(k, v);
    }
    if (pre.q.some(([k]) => k === 'g')) this.registersOf = normalizeThread(thread ?? '0');
    const list = ['qfThreadInfo', 'qsThreadInfo'].map((k) => this.stop.get(k));
    if (list.every((a) => a !== undefined)) this.threads = threadIds(list as string[]);
    for (const [addr, hex] of pre.mem) this.memory.push({ addr, data: Buffer.from(hex, 'hex') });
  }

  /** Drops all stop state: called before anything that may change the target goes to the stub. */
  invalidate(): void {
    this.stop.clear();
    this.memory = [];
    this.threads = [];
  }

  /**
   * Drops the memory a software breakpoint covers (some stubs show the breakpoint instruction in memory reads);
   * hardware breakpoints and watchpoints change nothing GDB reads.
   */
  forgetUnder(addr: number, len: number): void {
    this.memory = this.memory.filter((b) => b.addr + b.data.length <= addr || addr + len <= b.addr);
  }

  /** Threads listed at the last stop (normalized), empty when not known. */
  knownThreads(): readonly string[] {
    return this.threads;
  }

  /** The cached reply to a packet, or undefined when it must go to the stub. `thread`: GDB's `Hg` selection. */
  answer(payload: string, thread: string | undefined): string | undefined {
    const kind = classifyPacket(payload);
    if (kind === 'setup') {
      const xfer = parseXferRead(payload);
      const doc = xfer && this.docs.get(xfer.key);
      if (xfer && doc !== undefined) return xferReply(doc, xfer.offset, xfer.length);
      return this.setup.get(payload);
    }
    if (kind !== 'read') return undefined;
    if ((payload === 'g' || payload.startsWith('p')) && !this.sameThread(thread)) return undefined;
    const read = memoryRead(payload);
    if (read) return this.readMemory(read.addr, read.len);
    return this.stop.get(payload) ?? this.setup.get(payload);
  }

  // Registers were read for one thread; with a single thread every selection means it.
  private sameThread(thread: string | undefined): boolean {
    const want = normalizeThread(thread ?? '0');
    if (want === this.registersOf) return true;
    const only = this.threads.length === 1 ? this.threads[0] : undefined;
    const is = (t: string): boolean => t === 'any' || t === only;
    return only !== undefined && is(want) && is(this.registersOf);
  }

  private readMemory(addr: number, len: number): string | undefined {
    if (len === 0) return undefined;
    const out = Buffer.alloc(len);
    let filled = 0;
    // Fill from the blocks in order; the request must be covered without a gap.
    while (filled < len) {
      const at = addr + filled;
      const block = this.memory.find((b) => b.addr <= at && at < b.addr + b.data.length);
      if (!block) return undefined;
      const n = Math.min(len - filled, block.addr + block.data.length - at);
      block.data.copy(out, filled, at - block.addr, at - block.addr + n);
      filled += n;
    }
    return out.toString('hex');
  }
}
