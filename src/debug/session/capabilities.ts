// What the Outpost debugger tells a DAP client it can do (the answer to `initialize`).
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Capabilities of the Outpost debug adapter; `faults` is the exception filter that catches HardFault. */
export const debuggerCapabilities: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsFunctionBreakpoints: true,
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsEvaluateForHovers: true,
  supportsSetVariable: true,
  supportsRestartRequest: true,
  supportsExceptionInfoRequest: true,
  supportsReadMemoryRequest: true,
  supportsWriteMemoryRequest: true,
  supportsDisassembleRequest: true,
  supportsSteppingGranularity: true,
  supportsInstructionBreakpoints: true,
  supportsDataBreakpoints: true,
  supportTerminateDebuggee: false,
  exceptionBreakpointFilters: [{ filter: 'faults', label: 'Cortex-M faults (HardFault)', default: true }],
};
