// Relay presence as an operator sees it: fleet.subscribe, then every device.updated, to catch a device shown offline.
import type { OperatorClient } from '../../src/link/operatorClient';
import type { DeviceInfo } from '../../src/protocol/control';

/** Presence of the devices whose names start with a prefix, kept from fleet events. */
export class PresenceWatch {
  private readonly online = new Map<string, boolean>();
  /** Names the relay reported offline (in order) since `arm()`. */
  readonly wentOffline: string[] = [];
  private armed = false;

  private constructor(private readonly prefix: string) {}

  /** Subscribes `operator` to fleet events (a large fleet's snapshot arrives as events too). */
  static async start(operator: OperatorClient, prefix: string): Promise<PresenceWatch> {
    const watch = new PresenceWatch(prefix);
    operator.onEvent((e) => {
      if (e.event !== 'device.updated') return;
      watch.update((e.data as { device: DeviceInfo }).device);
    });
    const snapshot = await operator.request('fleet.subscribe');
    snapshot.devices.forEach((d) => watch.update(d));
    return watch;
  }

  /** Devices currently shown online. */
  get onlineCount(): number {
    let n = 0;
    for (const up of this.online.values()) if (up) n++;
    return n;
  }

  /** From now on, every offline report is recorded in `wentOffline`. */
  arm(): void {
    this.armed = true;
  }

  /** Resolves once `count` devices show online; rejects after `timeoutMs`. */
  async waitOnline(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.onlineCount < count) {
      if (Date.now() > deadline) throw new Error(`the relay shows ${this.onlineCount} of ${count} devices online`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private update(d: DeviceInfo): void {
    if (!d.name.startsWith(this.prefix)) return;
    if (this.armed && !d.online && this.online.get(d.name) !== false) this.wentOffline.push(d.name);
    this.online.set(d.name, d.online);
  }
}
