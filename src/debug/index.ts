// The debugger's public surface: the DAP session, the stdio runner, and the stub-connector contract.
export { OutpostDebugSession, type OutpostSessionOptions } from './session/outpostSession';
export { runDebugAdapter, type StdioAdapterOptions } from './stdioAdapter';
export { directConnector } from './stub/directConnector';
export type {
  DeviceStubRequest,
  DirectStubRequest,
  StubConnector,
  StubConnectors,
  StubEndpoint,
  StubKind,
  StubOpenContext,
} from './stub/stubConnector';
export { DebugError, ErrorCode } from './errors';
