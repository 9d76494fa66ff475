// Decodes Cortex-M33 fault status registers (CFSR, HFSR, SFSR and the address registers) into plain words.

/** Raw fault state read from the System Control Block, plus what the exception frame says. */
export interface FaultRegisters {
  /** Active exception number (xPSR bits 0–8). */
  ipsr: number;
  cfsr: number;
  hfsr: number;
  mmfar: number;
  bfar: number;
  sfsr?: number;
  sfar?: number;
  /** PC saved in the exception frame: the instruction that faulted (or the next one, for imprecise faults). */
  stackedPc?: number;
}

/** What the decoder makes of it: an exception name, a one-line summary and one sentence per cause. */
export interface FaultReport {
  exception: string;
  summary: string;
  causes: string[];
}

/** Addresses of the fault registers in the SCB (Armv8-M). */
export const faultRegisterAddresses = {
  cfsr: 0xe000ed28,
  hfsr: 0xe000ed2c,
  mmfar: 0xe000ed34,
  bfar: 0xe000ed38,
  sfsr: 0xe000ede4,
  sfar: 0xe000ede8,
} as const;

const exceptionNames: Record<number, string> = {
  0: 'Thread mode',
  1: 'Reset',
  2: 'NMI',
  3: 'HardFault',
  4: 'MemManage fault',
  5: 'BusFault',
  6: 'UsageFault',
  7: 'SecureFault',
  11: 'SVCall',
  12: 'DebugMonitor',
  14: 'PendSV',
  15: 'SysTick',
};

/** Name of an exception number as the Armv8-M architecture calls it. */
export function exceptionName(ipsr: number): string {
  return exceptionNames[ipsr] ?? (ipsr >= 16 ? `IRQ ${ipsr - 16}` : `reserved exception ${ipsr}`);
}

/** True for the fault handlers (HardFault, MemManage, BusFault, UsageFault, SecureFault). */
export function isFaultException(ipsr: number): boolean {
  return ipsr >= 3 && ipsr <= 7;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');
const bit = (v: number, b: number): boolean => ((v >>> b) & 1) === 1;

/** Turns fault registers into sentences a firmware engineer can act on. */
export function decodeFault(r: FaultRegisters): FaultReport {
  const causes: string[] = [];
  const c = r.cfsr >>> 0;
  const mmValid = bit(c, 7);
  const bfValid = bit(c, 15);
  if (bit(c, 0)) causes.push('MemManage: instruction fetch from a region the MPU or default map forbids (IACCVIOL)');
  if (bit(c, 1)) causes.push(`MemManage: data access violation${mmValid ? ` at ${hex(r.mmfar)}` : ''} (DACCVIOL)`);
  if (bit(c, 3)) causes.push('MemManage: fault while unstacking on exception return (MUNSTKERR)');
  if (bit(c, 4)) causes.push('MemManage: fault while stacking on exception entry — stack overflow? (MSTKERR)');
  if (bit(c, 5)) causes.push('MemManage: fault during lazy floating-point state preservation (MLSPERR)');
  if (bit(c, 8)) causes.push('BusFault: instruction fetch from an address with no memory behind it (IBUSERR)');
  if (bit(c, 9)) causes.push(`BusFault: precise data bus error${bfValid ? ` at ${hex(r.bfar)}` : ''} (PRECISERR)`);
  if (bit(c, 10))
    causes.push('BusFault: imprecise data bus error; the stacked PC is after the faulting store (IMPRECISERR)');
  if (bit(c, 11)) causes.push('BusFault: bus error while unstacking on exception return (UNSTKERR)');
  if (bit(c, 12))
    causes.push('BusFault: bus error while stacking on exception entry — stack pointer invalid? (STKERR)');
  if (bit(c, 13)) causes.push('BusFault: bus error during lazy floating-point state preservation (LSPERR)');
  if (bit(c, 16)) causes.push('UsageFault: undefined instruction (UNDEFINSTR)');
  if (bit(c, 17)) causes.push('UsageFault: invalid state — a branch to an address without the Thumb bit? (INVSTATE)');
  if (bit(c, 18)) causes.push('UsageFault: invalid EXC_RETURN value on exception return (INVPC)');
  if (bit(c, 19)) causes.push('UsageFault: coprocessor access while it is disabled — FPU not enabled? (NOCP)');
  if (bit(c, 20)) causes.push('UsageFault: stack overflow caught by the stack limit register (STKOF)');
  if (bit(c, 24)) causes.push('UsageFault: unaligned access (UNALIGNED)');
  if (bit(c, 25)) causes.push('UsageFault: integer division by zero (DIVBYZERO)');
  const s = r.sfsr ?? 0;
  const sfValid = bit(s, 6);
  if (bit(s, 0)) causes.push('SecureFault: invalid entry point into Secure state (INVEP)');
  if (bit(s, 1)) causes.push('SecureFault: invalid integrity signature on exception return (INVIS)');
  if (bit(s, 2)) causes.push('SecureFault: invalid exception return (INVER)');
  if (bit(s, 3))
    causes.push(
      `SecureFault: Non-secure access to Secure memory${sfValid && r.sfar !== undefined ? ` at ${hex(r.sfar)}` : ''} (AUVIOL)`,
    );
  if (bit(s, 4)) causes.push('SecureFault: invalid transition from Secure to Non-secure state (INVTRAN)');
  if (bit(s, 5)) causes.push('SecureFault: lazy state preservation error (LSPERR)');
  if (bit(s, 7)) causes.push('SecureFault: lazy state error (LSERR)');
  const h = r.hfsr >>> 0;
  if (bit(h, 1)) causes.push('HardFault: bus error reading the vector table (VECTTBL)');
  if (bit(h, 31)) causes.push('HardFault: debug event (DEBUGEVT)');
  const forced = bit(h, 30);
  const exception = exceptionName(r.ipsr);
  const first = causes[0];
  let summary: string;
  if (first) summary = `${exception}${forced ? ' (escalated from a configurable fault)' : ''}: ${first}`;
  else if (forced) summary = `${exception}: escalated from a configurable fault whose status bits are clear`;
  else summary = `${exception}: no fault status bits set`;
  if (r.stackedPc !== undefined) summary += `; faulting instruction near ${hex(r.stackedPc)}`;
  if (forced)
    causes.push('HardFault: escalated because the configurable fault handler is disabled or could not run (FORCED)');
  return { exception, summary, causes };
}
