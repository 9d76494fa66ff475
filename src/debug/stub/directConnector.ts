// The built-in connector for `gdbTarget`: GDB connects straight to HOST:PORT, so there is nothing to hold open.
import type { DirectStubRequest, StubConnector, StubEndpoint } from './stubConnector';

/** Hands GDB the address as given; reachability is reported by GDB's own connect. */
export const directConnector: StubConnector<DirectStubRequest> = {
  open(request: DirectStubRequest): Promise<StubEndpoint> {
    const host = request.host.includes(':') ? `[${request.host}]` : request.host;
    return Promise.resolve({
      host: request.host,
      port: request.port,
      kind: request.kind ?? 'generic',
      description: `${host}:${request.port}`,
      dispose: () => Promise.resolve(),
    });
  },
};
