// Cortex-M system registers a stub leaves out of its target description (pure): the feature that adds them for
// GDB, the register numbers they get, and the MRS/MSR instructions the agent runs to reach them.
import type { QueryAnswer } from '../../protocol/rspAccel';

/** MSP … CONTROL as GDB shows them, with their MRS/MSR `SYSm` numbers (ARMv8-M, Secure state's own banks). */
export const SYSTEM_REGISTERS = [
  { name: 'msp', sysm: 0x08, type: 'data_ptr' },
  { name: 'psp', sysm: 0x09, type: 'data_ptr' },
  { name: 'primask', sysm: 0x10, type: 'int' },
  { name: 'basepri', sysm: 0x11, type: 'int' },
  { name: 'faultmask', sysm: 0x13, type: 'int' },
  { name: 'control', sysm: 0x14, type: 'int' },
] as const;

/** The document the agent adds to the stub's target description. */
export const SYSTEM_REGISTERS_DOC = 'outpost-m-system.xml';

/**
 * Our own feature name: GDB keeps registers of a feature it does not know as plain registers ($msp, the Registers
 * view). Under `org.gnu.gdb.arm.m-system` GDB would also read MSP and PSP to unwind every exception frame, and each
 * read here runs instructions on the core.
 */
const FEATURE = 'org.outpost.arm.m-system';

/** Thumb-2 halfwords as the bytes in memory (little-endian), in hex. */
function thumb32(hw1: number, hw2: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(hw1, 0);
  b.writeUInt16LE(hw2, 2);
  return b.toString('hex');
}

/** `MRS Rd, <reg>` (T1) in memory order. */
export function mrs(rd: number, sysm: number): string {
  return thumb32(0xf3ef, 0x8000 | (rd << 8) | sysm);
}

/** `MSR <reg>, Rn` (T1, mask 0b10) in memory order. */
export function msr(sysm: number, rn: number): string {
  return thumb32(0xf380 | rn, 0x8800 | sysm);
}

/** The feature document: the registers numbered from `first` on, in the `system` group (not in `info registers`). */
export function systemRegistersFeature(first: number): string {
  const regs = SYSTEM_REGISTERS.map(
    (r, i) => `  <reg name="${r.name}" bitsize="32" type="${r.type}" regnum="${first + i}" group="system"/>`,
  );
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE feature SYSTEM "gdb-target.dtd">',
    `<feature name="${FEATURE}">`,
    ...regs,
    '</feature>',
    '',
  ].join('\n');
}

/**
 * The highest register number a description gives, by GDB's rule: a register without `regnum` takes the previous
 * one's number plus one, in document order, includes where they stand. Undefined when MSP is already described
 * (QEMU 8 has `org.gnu.gdb.arm.m-system`) or when there are no registers.
 */
function highestRegister(docs: ReadonlyMap<string, string>): number | undefined {
  let next = 0;
  let highest = -1;
  let hasMsp = false;
  const walk = (name: string, depth: number): void => {
    const doc = docs.get(name);
    if (doc === undefined || depth > 8) return;
    for (const m of doc.matchAll(/<xi:include\s+href="([^"]+)"|<reg\s([^>]*)>/g)) {
      if (m[1] !== undefined) {
        walk(m[1], depth + 1);
        continue;
      }
      const num = /\bregnum="(\d+)"/.exec(m[2]);
      const n = num ? Number(num[1]) : next;
      if (/\bname="msp"/i.test(m[2])) hasMsp = true;
      highest = Math.max(highest, n);
      next = n + 1;
    }
  };
  walk('target.xml', 0);
  return hasMsp || highest < 0 ? undefined : highest;
}

/**
 * The stub's documents (keyed `features:NAME`) with the system registers added: target.xml includes the new
 * document, numbered after the stub's highest register. Undefined when they are described already or there is no
 * target.xml to extend.
 */
export function withSystemRegisters(docs: readonly QueryAnswer[]): { docs: QueryAnswer[]; first: number } | undefined {
  const byName = new Map(docs.filter(([k]) => k.startsWith('features:')).map(([k, v]) => [k.slice(9), v]));
  const top = byName.get('target.xml');
  const highest = highestRegister(byName);
  if (top === undefined || !top.includes('</target>') || highest === undefined) return undefined;
  const first = highest + 1;
  const include = `<xi:include href="${SYSTEM_REGISTERS_DOC}"/>`;
  const out: QueryAnswer[] = docs.map(([k, v]) =>
    k === 'features:target.xml' ? [k, v.replace('</target>', `${include}</target>`)] : [k, v],
  );
  out.push([`features:${SYSTEM_REGISTERS_DOC}`, systemRegistersFeature(first)]);
  return { docs: out, first };
}
