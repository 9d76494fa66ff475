// What every DAP concern gets to work with once a session is connected: GDB, the queue, the arguments, the editor.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GdbProcess } from '../gdb/gdbProcess';
import type { StubEndpoint } from '../stub/stubConnector';
import type { OutpostDebugArgs } from './launchArgs';
import type { References } from './references';
import type { TargetControl } from './targetControl';

/** The single thread a Cortex-M core presents through its GDB stub. */
export const THREAD_ID = 1;

/** Output categories the adapter uses on the debug console. */
export type OutputCategory = 'console' | 'stdout' | 'stderr' | 'important';

/** The connected session as the per-concern modules see it. */
export interface SessionContext {
  readonly gdb: GdbProcess;
  readonly control: TargetControl;
  readonly args: OutpostDebugArgs;
  readonly endpoint: StubEndpoint;
  readonly refs: References;
  sendEvent(event: DebugProtocol.Event): void;
  output(text: string, category?: OutputCategory): void;
}

/** DAP frame ids encode the GDB frame level (ids are only valid while stopped, as DAP requires). */
export const frameIdOf = (level: number): number => level + 1;
/** The GDB frame level of a DAP frame id (unknown ids mean the innermost frame). */
export const levelOf = (frameId: number | undefined): number => (frameId && frameId > 0 ? frameId - 1 : 0);
