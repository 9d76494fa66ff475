// Range stepping done by the agent next to the stub (pure decisions): GDB's `vCont;r` for stubs without it (QEMU).

/** A `vCont;r START,END[:THREAD]` request: the range and the single-step packet that replaces it. */
export interface RangeStep {
  start: number;
  end: number;
  /** The same vCont with the `r` action turned into `s` (other threads' actions kept). */
  step: string;
  /** The same vCont with the `r` action turned into `c`: running over a call (stepOver). */
  cont: string;
}

/** Parses a vCont with exactly one range-step action; undefined for every other packet. */
export function parseRangeStep(payload: string): RangeStep | undefined {
  if (!payload.startsWith('vCont;')) return undefined;
  const actions = payload.slice('vCont;'.length).split(';');
  const ranges = actions.filter((a) => a.startsWith('r'));
  if (ranges.length !== 1) return undefined;
  const m = /^r([0-9a-fA-F]+),([0-9a-fA-F]+)(:.*)?$/.exec(ranges[0]);
  if (!m) return undefined;
  const as = (action: string): string =>
    'vCont;' + actions.map((a) => (a === ranges[0] ? action + (m[3] ?? '') : a)).join(';');
  return { start: parseInt(m[1], 16), end: parseInt(m[2], 16), step: as('s'), cont: as('c') };
}

/** The stub's vCont? answer with `r` added (the agent does range stepping itself). */
export function withRangeStepping(vContReply: string): string {
  if (!vContReply.startsWith('vCont')) return vContReply;
  const actions = vContReply.split(';');
  return actions.includes('r') ? vContReply : `${vContReply};r`;
}

/** A single step's stop that is nothing but the step: SIGTRAP, with no watchpoint, breakpoint or event keys. */
export function isPlainStepStop(reply: string): boolean {
  if (/^S05$/i.test(reply)) return true;
  const m = /^T05(.*)$/i.exec(reply);
  if (!m) return false;
  return m[1]
    .split(';')
    .filter((kv) => kv !== '')
    .every((kv) => /^(thread|[0-9a-fA-F]+):/.test(kv));
}

/** Where one range step stands after a single step. */
export interface StepState {
  reply: string;
  /** PC after the step; undefined when it could not be read. */
  pc: number | undefined;
  range: RangeStep;
  /** Addresses of inserted software/hardware breakpoints (Z0/Z1). */
  breakpoints: ReadonlySet<number>;
  interrupted: boolean;
  steps: number;
  elapsedMs: number;
}

/** Steps per `vCont;r` before the agent reports a stop anyway (GDB re-steps a PC still in range). */
export const STEP_BUDGET = 5000;
export const STEP_BUDGET_MS = 300;

/**
 * Whether to step again or report the stop. Report when the stop is not a plain step, the PC left [start, end)
 * or is unknown, lands on an inserted breakpoint, GDB interrupted, or the budget is spent (a `b .` loop must not
 * keep GDB waiting: GDB treats an early stop inside the range as "step again").
 */
export function nextMove(s: StepState): 'step' | 'report' {
  if (s.interrupted || !isPlainStepStop(s.reply) || s.pc === undefined) return 'report';
  if (s.pc < s.range.start || s.pc >= s.range.end) return 'report';
  if (s.breakpoints.has(s.pc)) return 'report';
  if (s.steps >= STEP_BUDGET || s.elapsedMs >= STEP_BUDGET_MS) return 'report';
  return 'step';
}

/** The stop reply for an interrupted range step: the step's reply with SIGINT. */
export function asInterrupt(reply: string): string {
  return /^[TS]05/i.test(reply) ? reply[0] + '02' + reply.slice(3) : reply;
}

/** Size of the Thumb instruction whose first halfword is `first`: 4 for the 32-bit encodings (0b11101/0b11110/0b11111), else 2. */
export function thumbInsnSize(first: number): 2 | 4 {
  return first >>> 11 >= 0x1d ? 4 : 2;
}
