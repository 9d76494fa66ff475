// "Open GDB Tunnel": a local GDB server port per device, for any GDB front end, until closed or disconnected.
import type { Logger } from '../common/log';
import type { ChannelOpener } from '../debug/tunnel/deviceConnector';
import { openRspTunnel, type RspTunnel } from '../debug/tunnel/rspTunnel';

/** The open tunnels, by device. */
export class DeviceTunnels {
  private readonly tunnels = new Map<string, RspTunnel>();

  constructor(private readonly log: Logger) {}

  /** The device's tunnel, opened if needed; the first rsp channel is opened now so a refusal shows at once. */
  async open(opener: ChannelOpener, device: string): Promise<RspTunnel> {
    const existing = this.tunnels.get(device);
    if (existing) return existing;
    const first = await opener.openChannel(device, 'rsp');
    const tunnel = await openRspTunnel({ open: () => opener.openChannel(device, 'rsp'), first, log: this.log });
    this.tunnels.set(device, tunnel);
    this.log.info('GDB tunnel open', { device, port: tunnel.port });
    return tunnel;
  }

  async close(device: string): Promise<void> {
    const tunnel = this.tunnels.get(device);
    this.tunnels.delete(device);
    await tunnel?.close();
  }

  /** Closes every tunnel (on disconnect and on deactivation). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.tunnels.keys()].map((d) => this.close(d)));
  }
}
