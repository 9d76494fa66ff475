// "Open GDB Tunnel": a local GDB server port per device, for any GDB front end, until closed or disconnected.
import type { Logger } from '../common/log';
import { stubKindFor, type ChannelOpener } from '../debug/tunnel/deviceConnector';
import { openGdbTunnel } from '../debug/tunnel/gdbTunnel';
import type { RspTunnel } from '../debug/tunnel/rspTunnel';

/** The open tunnels, by device. */
export class DeviceTunnels {
  private readonly tunnels = new Map<string, Promise<RspTunnel>>();

  constructor(private readonly log: Logger) {}

  /**
   * The device's tunnel, opened if needed: the same port `outpost tunnel` gives (one GDB at a time, monitor
   * commands answered for QEMU). No rsp channel is opened until GDB connects, since a held channel halts the
   * simulator's core; a refusal then reaches GDB as its error reply and this log.
   */
  open(opener: ChannelOpener, device: string): Promise<RspTunnel> {
    const existing = this.tunnels.get(device);
    if (existing) return existing;
    const opening = openGdbTunnel({
      open: () => opener.openChannel(device, 'rsp'),
      kind: stubKindFor(opener.boardOf(device)),
      log: this.log,
      onRefused: (socket, reason) =>
        this.log.warn('refused a GDB connection', { device, from: socket.remoteAddress, reason }),
    });
    this.tunnels.set(device, opening);
    opening.then(
      (tunnel) => this.log.info('GDB tunnel open', { device, port: tunnel.port }),
      () => this.tunnels.get(device) === opening && this.tunnels.delete(device),
    );
    return opening;
  }

  async close(device: string): Promise<void> {
    const tunnel = this.tunnels.get(device);
    this.tunnels.delete(device);
    // One that failed to open was reported to whoever opened it, and has nothing to close.
    await (await tunnel?.catch(() => undefined))?.close();
  }

  /** Closes every tunnel (on disconnect and on deactivation). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.tunnels.keys()].map((d) => this.close(d)));
  }
}
