// Which monitor commands the tunnel answers itself, by the kind of GDB stub behind the device.
import { MonitorInterceptor, type MonitorPolicy } from '../rsp/monitorInterceptor';
import type { StubKind } from '../stub/stubConnector';
import type { RspTunnelOptions, SessionFilter } from './rspTunnel';

/**
 * The tunnel filter for a stub kind: QEMU has no `monitor reset halt|reset|halt|init`, so the tunnel answers them;
 * other stubs get them and are answered for only when they reply that they do not know monitor commands.
 */
export function monitorFilter(kind: StubKind): NonNullable<RspTunnelOptions['filter']> {
  const policy: MonitorPolicy = kind === 'qemu' ? 'answer' : 'fallback';
  return (outputs): SessionFilter => new MonitorInterceptor(policy, outputs);
}
