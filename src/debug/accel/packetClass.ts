// What a GDB packet does to the target (pure): the operator side answers only pure reads from its cache.

/**
 * - `read`: a pure read of target state (memory, registers, threads, stop reason): answerable from cache.
 * - `setup`: a connection-setup query whose answer does not change during a session (qSupported, target description).
 * - `select`: `Hg`/`Hc` thread selection, kept on the operator side and applied by the agent before each request.
 * - `extended`: `!`, whose reply GDB ignores; applied by the agent before the next request.
 * - `breakpoint`: Z/z: registers and threads stay; memory under a software breakpoint (Z0) may read differently.
 * - `end`: detach or kill: the session ends on purpose.
 * - `change`: everything else — resumes, writes, monitor commands, anything unknown: drops the cache first.
 */
export type PacketClass = 'read' | 'setup' | 'select' | 'extended' | 'breakpoint' | 'end' | 'change';

/** Classifies one GDB packet payload. Unknown packets are `change`: a wrong cached byte is worse than a slow one. */
export function classifyPacket(payload: string): PacketClass {
  if (/^m[0-9a-fA-F]+,[0-9a-fA-F]+$/.test(payload)) return 'read';
  if (payload === 'g' || /^p[0-9a-fA-F]+$/.test(payload)) return 'read';
  if (payload === 'qfThreadInfo' || payload === 'qsThreadInfo' || payload === 'qC' || payload === '?') return 'read';
  if (/^qAttached(:[0-9a-fA-F]+)?$/.test(payload)) return 'read';
  if (payload.startsWith('qSupported') || payload === 'vMustReplyEmpty' || payload === 'vCont?') return 'setup';
  if (payload === 'qOffsets' || payload === 'qTStatus' || payload === 'qSymbol::') return 'setup';
  if (/^qXfer:(features|memory-map):read:/.test(payload)) return 'setup';
  if (/^H[gc](p?-?[0-9a-fA-F]+(\.-?[0-9a-fA-F]+)?)$/.test(payload)) return 'select';
  if (payload === '!') return 'extended';
  if (breakpointPacket(payload)) return 'breakpoint';
  if (/^(D|k$|vKill)/.test(payload)) return 'end';
  return 'change';
}

/** True for a packet that lets the target run (GDB may interrupt it with 0x03 until the stop reply). */
export function isResume(payload: string): boolean {
  return /^([cCsS]|vCont;|vRun|R|i|I)/.test(payload);
}

/** True for a vCont with a range-step action (`r START,END`): GDB's `next` and `step` both send one. */
export function isRangeStep(payload: string): boolean {
  return payload.startsWith('vCont;') && payload.split(';').some((action) => action.startsWith('r'));
}

/** The range [start, end) of a vCont with one range-step action; undefined for every other packet. */
export function rangeOf(payload: string): { start: number; end: number } | undefined {
  if (!payload.startsWith('vCont;')) return undefined;
  const ranges = payload.split(';').filter((action) => action.startsWith('r'));
  const m = ranges.length === 1 ? /^r([0-9a-fA-F]+),([0-9a-fA-F]+)(:|$)/.exec(ranges[0]) : null;
  return m ? { start: parseInt(m[1], 16), end: parseInt(m[2], 16) } : undefined;
}

/** The address and length of an `m` read. */
export function memoryRead(payload: string): { addr: number; len: number } | undefined {
  const m = /^m([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(payload);
  return m ? { addr: parseInt(m[1], 16), len: parseInt(m[2], 16) } : undefined;
}

/** A thread id as `pid.tid` numbers (`p1.1`, `p01.01`, `1`, `-1`, `0`); `any` for 0 and -1. */
export function normalizeThread(id: string): string {
  const m = /^(?:p(-?[0-9a-fA-F]+)\.)?(-?[0-9a-fA-F]+)$/.exec(id);
  if (!m) return id;
  const tid = parseInt(m[2], 16);
  if (tid === 0 || tid === -1) return 'any';
  return m[1] === undefined ? `${tid}` : `${parseInt(m[1], 16)}.${tid}`;
}

/** The thread ids of qfThreadInfo/qsThreadInfo answers (`m1,2` … `l`), normalized. */
export function threadIds(answers: string[]): string[] {
  return answers.flatMap((a) => (a.startsWith('m') ? a.slice(1).split(',').map(normalizeThread) : []));
}

/** A Z/z packet: type 0–4, address, kind (bytes for a software breakpoint). */
export function breakpointPacket(
  payload: string,
): { insert: boolean; type: number; addr: number; kind: number } | undefined {
  const m = /^([Zz])([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)(;.*)?$/.exec(payload);
  if (!m) return undefined;
  return { insert: m[1] === 'Z', type: Number(m[2]), addr: parseInt(m[3], 16), kind: parseInt(m[4], 16) };
}
