// Builders for execution-control MI commands (all asynchronous: `^running`, then `*stopped`).
import { miCommand } from './context';

/** `-exec-continue`. */
export const execContinue = (): string => '-exec-continue';
/** `-exec-interrupt`: halts the target; a `*stopped` follows. */
export const execInterrupt = (): string => '-exec-interrupt';
/** Source-line or instruction step over. */
export const execNext = (thread: number, instruction: boolean): string =>
  miCommand(instruction ? '-exec-next-instruction' : '-exec-next', [], { thread });
/** Source-line or instruction step into. */
export const execStep = (thread: number, instruction: boolean): string =>
  miCommand(instruction ? '-exec-step-instruction' : '-exec-step', [], { thread });
/** `-exec-finish` from the given frame. */
export const execFinish = (thread: number, frame: number): string => miCommand('-exec-finish', [], { thread, frame });
