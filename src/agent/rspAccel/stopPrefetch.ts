// What GDB reads after every stop, read by the agent next to the stub and pushed with the stop reply.
import type { MemoryBlock, Prefetch, QueryAnswer } from '../../protocol/rspAccel';
import { readBlock, type ReadLimits } from './memoryReads';
import type { StubClient } from './stubClient';
import { LR_REG, PC_REG, registerWord, SP_REG } from './targetShape';

/** Stack window around SP (GDB's frame unwinding and locals) and code window around PC (frame analysis). */
const STACK_BELOW = 0x40;
const STACK_LEN = 0x200;
const CODE_BELOW = 0x40;
const CODE_LEN = 0x100;

/** The thread list as GDB asks for it, when it fits one page (`m…` then `l`); otherwise not cached. */
async function threadList(stub: StubClient): Promise<QueryAnswer[]> {
  const first = await stub.ask('qfThreadInfo');
  if (!first.startsWith('m')) return [];
  const next = await stub.ask('qsThreadInfo');
  if (next !== 'l') {
    // More pages: finish the stub's iteration so GDB's own listing starts afresh, and cache nothing.
    for (let i = 0, more = next; more.startsWith('m') && i < 1000; i++) more = await stub.ask('qsThreadInfo');
    return [];
  }
  return [
    ['qfThreadInfo', first],
    ['qsThreadInfo', next],
  ];
}

/**
 * Reads registers (`g`), the thread list, and — for an M-profile core — the stack around SP and, with `code`, the
 * code around PC and LR, from safe regions only (limits.regions: never peripherals). A GDB that reads code from the
 * ELF (trust-readonly-sections, as Outpost sessions set it) never asks for code, so the session asks for `no-code`.
 */
export async function stopPrefetch(
  stub: StubClient,
  limits: ReadLimits,
  mProfile: boolean,
  code: 'code' | 'no-code',
): Promise<Prefetch> {
  const q: QueryAnswer[] = [];
  const mem: MemoryBlock[] = [];
  const g = await stub.ask('g');
  const registersOk = /^[0-9a-fA-FxX]+$/.test(g) && !g.startsWith('E');
  if (registersOk) q.push(['g', g]);
  q.push(...(await threadList(stub)));
  if (mProfile && registersOk) {
    const sp = registerWord(g, SP_REG);
    const pc = registerWord(g, PC_REG);
    if (sp !== undefined) {
      const block = await readBlock(stub, limits, Math.max(0, (sp & ~0x3f) - STACK_BELOW), STACK_LEN);
      if (block) mem.push(block);
    }
    // Code around PC and around the return address (LR): GDB's frame analysis reads both.
    for (const at of code === 'code' ? [pc, registerWord(g, LR_REG)] : []) {
      if (at === undefined) continue;
      const start = Math.max(0, (at & ~0x3f) - CODE_BELOW);
      if (mem.some(([a, hex]) => a <= at && at < a + hex.length / 2)) continue;
      const block = await readBlock(stub, limits, start, CODE_LEN);
      if (block) mem.push(block);
    }
  }
  return { q, mem };
}
