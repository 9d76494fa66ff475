// The contract for the agent's per-kind channel handlers (rsp here; console, logs and ota in their own files).
import type { Logger } from '../common/log';
import type { IncomingChannel } from '../link/connection';
import type { DebugSessionMark } from './debugSessionMark';
import type { Target } from './target';

/** What a handler gets besides the channel request. */
export interface AgentContext {
  readonly target: Target;
  readonly log: Logger;
  /** Where an rsp session records that it holds the stub (when the agent has a state folder). */
  readonly debugMark?: DebugSessionMark;
}

/**
 * Serves one OPEN of its kind: call `request.accept()` to get the Channel (a Duplex, E2E already set up) or
 * `request.refuse(code, reason)`. A handler that throws or rejects before deciding gets the OPEN refused with
 * CHANNEL_REFUSED and the error's message; after accepting, it owns the channel and must end or destroy it.
 */
export type ChannelHandler = (request: IncomingChannel, context: AgentContext) => void | Promise<void>;
