// Stepping over a call during a range step (pure decisions): which step was a call, and whether a stop is its return.

/**
 * Size of the Thumb call instruction whose first bytes are `insn` (little-endian halfwords): 4 for `BL <label>`,
 * 2 for `BLX <Rm>`; undefined for anything else. M-profile cores run Thumb only, so there is no BLX to ARM code.
 */
export function thumbCallSize(insn: Uint8Array): 2 | 4 | undefined {
  if (insn.length < 2) return undefined;
  const first = insn[0] | (insn[1] << 8);
  // BLX Rm: 0100 0111 1 Rm 000 (BLXNS, 100 at the end, is a call to the non-secure state: not followed).
  if ((first & 0xff87) === 0x4780) return 2;
  if (insn.length < 4) return undefined;
  const second = insn[2] | (insn[3] << 8);
  // BL: 11110 S imm10, then 11 J1 1 J2 imm11.
  if ((first & 0xf800) === 0xf000 && (second & 0xd000) === 0xd000) return 4;
  return undefined;
}

/**
 * The return address of the call the core just made, or undefined when the step was no call: the instruction at
 * the PC before the step is a BL or BLX and LR holds the address after it, with the Thumb bit set. Checking both
 * keeps a plain branch out of the range (LR still holding an older return address) from counting as a call.
 */
export function callReturn(pcBefore: number, insn: Uint8Array, lr: number): number | undefined {
  const size = thumbCallSize(insn);
  if (size === undefined) return undefined;
  const ret = pcBefore + size;
  return lr === (ret | 1) ? ret : undefined;
}

/** Where a stop during the continue over a call stands (the agent's temporary breakpoint is at `ret`). */
export interface ReturnStop {
  reply: string;
  pc: number | undefined;
  sp: number | undefined;
  /** The return address, where the temporary breakpoint is. */
  ret: number;
  /** SP right after the call instruction: a return to this frame restores it exactly. */
  callSp: number;
}

/**
 * `returned`: the call returned to the frame that made it; `deeper`: a deeper activation of the same code (a
 * recursive call) reached the return address, so the continue goes on; `report`: anything else (a user
 * breakpoint in the callee, a watchpoint, a fault, Ctrl-C), which GDB gets as it is.
 */
export function returnStop(s: ReturnStop): 'returned' | 'deeper' | 'report' {
  if (!isBreakpointTrap(s.reply) || s.pc !== s.ret || s.sp === undefined) return 'report';
  if (s.sp === s.callSp) return 'returned';
  // The stack grows down: a lower SP at the return address is a frame the call itself made.
  return s.sp < s.callSp ? 'deeper' : 'report';
}

/** A SIGTRAP stop with no watchpoint or event keys (a breakpoint or a step: `swbreak`/`hwbreak` allowed). */
export function isBreakpointTrap(reply: string): boolean {
  if (/^S05$/i.test(reply)) return true;
  const m = /^T05(.*)$/i.exec(reply);
  if (!m) return false;
  return m[1]
    .split(';')
    .filter((kv) => kv !== '')
    .every((kv) => /^(thread|swbreak|hwbreak|[0-9a-fA-F]+):/.test(kv));
}

/** A stop at the agent's own breakpoint as GDB must see it: a plain step stop (GDB inserted no breakpoint there). */
export function asStepStop(reply: string): string {
  return reply.replace(/(swbreak|hwbreak):[^;]*;/g, '');
}
