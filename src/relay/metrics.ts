// Relay metrics in the Prometheus text format: connections, channels, bytes by channel kind, handshake failures.
import type { ChannelKind } from '../protocol/channels';
import { CHANNEL_KINDS } from '../protocol/channels';

/** Gauges read at scrape time from the live state rather than kept in step by hand. */
export interface MetricGauges {
  connectedDevices(): number;
  connectedOperators(): number;
  openChannels(): Record<ChannelKind, number>;
  pendingChallenges(): number;
}

/** Counters the relay increments as it works; rendered with the gauges by render(). */
export class RelayMetrics {
  private readonly bytes = new Map<string, number>();
  private readonly handshakeFailures = new Map<string, number>();
  private readonly channelOpens = new Map<string, number>();
  private handshakes = 0;

  constructor(private readonly gauges: MetricGauges) {}

  /** DATA payload bytes forwarded on a channel of `kind`, in the direction given. */
  addBytes(kind: ChannelKind, direction: 'to_device' | 'to_operator', bytes: number): void {
    const key = `kind="${kind}",direction="${direction}"`;
    this.bytes.set(key, (this.bytes.get(key) ?? 0) + bytes);
  }

  /** A refused upgrade, by close-code name. */
  handshakeFailed(codeName: string): void {
    this.handshakeFailures.set(codeName, (this.handshakeFailures.get(codeName) ?? 0) + 1);
  }

  /** An accepted upgrade. */
  handshakeSucceeded(): void {
    this.handshakes++;
  }

  /** The outcome of an OPEN (`ok` or the close-code name it was refused with). */
  channelOpened(kind: ChannelKind, result: string): void {
    const key = `kind="${kind}",result="${result}"`;
    this.channelOpens.set(key, (this.channelOpens.get(key) ?? 0) + 1);
  }

  /** The exposition text served at /metrics. */
  render(): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    };
    metric('outpost_connected_devices', 'gauge', 'Devices connected now.', [['', this.gauges.connectedDevices()]]);
    metric('outpost_connected_operators', 'gauge', 'Operators connected now.', [
      ['', this.gauges.connectedOperators()],
    ]);
    const open = this.gauges.openChannels();
    metric(
      'outpost_open_channels',
      'gauge',
      'Channels open now, by kind.',
      CHANNEL_KINDS.map((k) => [`kind="${k}"`, open[k]]),
    );
    metric('outpost_channel_opens_total', 'counter', 'OPEN requests by kind and result.', [...this.channelOpens]);
    metric('outpost_channel_bytes_total', 'counter', 'DATA payload bytes forwarded, by channel kind and direction.', [
      ...this.bytes,
    ]);
    metric('outpost_handshakes_total', 'counter', 'Accepted connections.', [['', this.handshakes]]);
    metric(
      'outpost_handshake_failures_total',
      'counter',
      'Refused connection attempts, by close code.',
      [...this.handshakeFailures].map(([code, n]) => [`code="${code}"`, n]),
    );
    metric('outpost_pending_challenges', 'gauge', 'Issued challenges not yet used or expired.', [
      ['', this.gauges.pendingChallenges()],
    ]);
    const mem = process.memoryUsage();
    metric('outpost_process_resident_memory_bytes', 'gauge', 'Resident memory of the relay process.', [['', mem.rss]]);
    metric('outpost_process_heap_used_bytes', 'gauge', 'V8 heap in use.', [['', mem.heapUsed]]);
    return out.join('\n') + '\n';
  }
}
