// GDB's connection set-up, done by the agent with the stub at once: the bundle that lets the operator side answer it.
import { decodePayload } from '../../debug/rsp/packet';
import { MAX_HELLO_READS, type AccelMessage, type MemoryRange, type QueryAnswer } from '../../protocol/rspAccel';
import { maxReadFor, readAheadWindow, readBlock, type ReadLimits } from './memoryReads';
import { withRangeStepping } from './rangeStep';
import { stopPrefetch } from './stopPrefetch';
import type { StubClient } from './stubClient';
import { withSystemRegisters } from './systemRegisterDocs';
import { isMProfile, rewriteSupported, safeRegions, stubPacketSize } from './targetShape';

/** What GDB 13 sends first; used when the operator side could not pass GDB's own qSupported on. */
export const DEFAULT_QSUPPORTED =
  'qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;xmlRegisters=arm';

/** How long the agent lets a freshly connected stub settle (QEMU: until its T02) before the first request. */
export const SETTLE_MS = 300;

/** What the session keeps from the handshake. */
export interface TargetFacts extends ReadLimits {
  mProfile: boolean;
  /** The stub agreed to multiprocess thread ids (its detach then needs a process id). */
  multiprocess: boolean;
  /** Range stepping is done by the agent (needs the M-profile PC register). */
  rangeStepping: boolean;
  /** The stub is QEMU's gdbstub, which cannot fail to insert or remove a software breakpoint (bundle `bpSure`). */
  bpSure: boolean;
  /** GDB's number for MSP when the agent added MSP … CONTROL to the description (SystemRegisters answers them). */
  systemRegisters?: number;
}

/**
 * QEMU's gdbstub answers its own query `qqemu.Supported` (`sstepbits;sstep;PhyMemMode`); other stubs answer the
 * empty packet or an error. Its software breakpoints are the emulator's own (TCG): inserting one cannot fail, and
 * removing one GDB inserted cannot either. Only that stub gets pipelined Z0/z0.
 */
export function isQemuStub(qemuSupported: string): boolean {
  return qemuSupported.split(';').includes('sstep');
}

/** A whole qXfer document, read part by part; undefined when the stub refuses. */
async function fetchDoc(stub: StubClient, object: string, annex: string, chunk: number): Promise<string | undefined> {
  let doc = '';
  for (let i = 0; i < 1000; i++) {
    const reply = await stub.ask(`qXfer:${object}:read:${annex}:${doc.length.toString(16)},${chunk.toString(16)}`);
    if (!/^[ml]/.test(reply)) return undefined;
    doc += decodePayload(reply.slice(1));
    if (reply[0] === 'l') return doc;
  }
  return undefined;
}

/** The target description and every document it includes (`<xi:include href="…"/>`), keyed `features:NAME`. */
async function fetchFeatures(stub: StubClient, chunk: number): Promise<QueryAnswer[]> {
  const docs: QueryAnswer[] = [];
  const todo = ['target.xml'];
  while (todo.length > 0 && docs.length < 64) {
    const name = todo.shift() as string;
    if (docs.some(([k]) => k === `features:${name}`)) continue;
    const doc = await fetchDoc(stub, 'features', name, chunk);
    if (doc === undefined) continue;
    docs.push([`features:${name}`, doc]);
    for (const m of doc.matchAll(/<xi:include\s+href="([^"]+)"/g)) todo.push(m[1]);
  }
  return docs;
}

/** Answers to the symbol lookup: cached only when the stub needs no symbols (`OK`, or empty: no lookups); else its questions are declined. */
async function symbolLookup(stub: StubClient): Promise<QueryAnswer[]> {
  let reply = await stub.ask('qSymbol::');
  if (reply === 'OK' || reply === '') return [['qSymbol::', reply]];
  // The stub asked for a symbol: say it is unknown (GDB's own qSymbol:: later restarts the lookup with real values).
  for (let i = 0; i < 100 && reply.startsWith('qSymbol:'); i++) reply = await stub.ask(`qSymbol::${reply.slice(8)}`);
  return [];
}

/**
 * Runs GDB's connect sequence against the stub: qSupported (GDB's own text), no-ack mode with the stub, the
 * target description and memory map, and every pure setup query, then the current stop with its prefetch and the
 * memory the operator side asked for (`reads`, e.g. the build-id note its ELF check reads; safe regions only).
 */
export async function handshake(
  stub: StubClient,
  gdbSupported: string | undefined,
  reads: readonly MemoryRange[] = [],
): Promise<{ bundle: Extract<AccelMessage, { t: 'bundle' }>; facts: TargetFacts }> {
  await stub.settle(SETTLE_MS);
  const supportedQuery = gdbSupported ?? DEFAULT_QSUPPORTED;
  const supported = await stub.ask(supportedQuery);
  const features = supported.split(';');
  if (features.includes('QStartNoAckMode+') && (await stub.ask('QStartNoAckMode')) === 'OK') stub.noAck = true;
  const packetSize = stubPacketSize(supported);
  const chunk = Math.max(0x100, packetSize - 16);
  const docs = features.includes('qXfer:features:read+') ? await fetchFeatures(stub, chunk) : [];
  const map = features.includes('qXfer:memory-map:read+') ? await fetchDoc(stub, 'memory-map', '', chunk) : undefined;
  if (map !== undefined) docs.push(['memory-map:', map]);
  const mProfile = isMProfile(docs.map(([, d]) => d));
  const facts: TargetFacts = {
    mProfile,
    multiprocess: features.includes('multiprocess+'),
    regions: safeRegions(map, mProfile),
    maxRead: maxReadFor(packetSize),
    ends: [],
    rangeStepping: mProfile,
    bpSure: isQemuStub(await stub.ask('qqemu.Supported')),
  };
  // QEMU 7.2 describes no MSP … CONTROL; the agent adds them (on other stubs it could not run code safely).
  const added = facts.bpSure && mProfile ? withSystemRegisters(docs) : undefined;
  if (added) facts.systemRegisters = added.first;
  const q: QueryAnswer[] = [[supportedQuery, rewriteSupported(supported)]];
  for (const query of ['vMustReplyEmpty', 'qTStatus', 'qOffsets']) q.push([query, await stub.ask(query)]);
  const vCont = await stub.ask('vCont?');
  q.push(['vCont?', facts.rangeStepping ? withRangeStepping(vCont) : vCont]);
  const stop = await stub.ask('?');
  const pre = await stopPrefetch(stub, facts, mProfile, 'code');
  pre.q.push(['?', stop]);
  for (const [addr, len] of reads.slice(0, MAX_HELLO_READS)) {
    if (pre.mem.some(([a, hex]) => a <= addr && addr + len <= a + hex.length / 2)) continue;
    const window = readAheadWindow(addr, len);
    const block = await readBlock(stub, facts, window.start, window.len);
    if (block) pre.mem.push(block);
  }
  const pids = new Set<string>();
  for (const [k, v] of pre.q)
    if (k === 'qfThreadInfo') for (const m of v.matchAll(/p([0-9a-fA-F]+)\./g)) pids.add(m[1]);
  for (const pid of pids) q.push([`qAttached:${parseInt(pid, 16).toString(16)}`, await stub.ask(`qAttached:${pid}`)]);
  q.push(['qAttached', await stub.ask('qAttached')]);
  q.push(...(await symbolLookup(stub)));
  return {
    bundle: { t: 'bundle', q, docs: added?.docs ?? docs, pre, ...(facts.bpSure ? { bpSure: true as const } : {}) },
    facts,
  };
}
