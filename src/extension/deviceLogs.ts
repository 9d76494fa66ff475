// "Show Logs": a device's log stream in an Output channel with the outpost-log grammar, replay then live.
import * as vscode from 'vscode';
import type { Duplex } from 'node:stream';
import type { ChannelOpener } from '../debug/tunnel/deviceConnector';
import { logLine } from './format';
import { LOG_LANGUAGE } from './ids';

/** Lines replayed from the device's buffer when a log view opens. */
export const REPLAY_LINES = 500;

interface Stream {
  readonly output: vscode.OutputChannel;
  channel?: Duplex;
}

/** The open log views, one Output channel per device; following stops when the view is closed or on dispose. */
export class DeviceLogs implements vscode.Disposable {
  private readonly streams = new Map<string, Stream>();

  /** Shows the device's logs, (re)starting the stream unless it is still following. */
  async show(opener: ChannelOpener, device: string): Promise<void> {
    let stream = this.streams.get(device);
    if (!stream) {
      stream = { output: vscode.window.createOutputChannel(`Outpost Logs: ${device}`, LOG_LANGUAGE) };
      this.streams.set(device, stream);
    }
    stream.output.show(true);
    if (stream.channel && !stream.channel.destroyed) return;
    const channel = await opener.openChannel(device, 'logs');
    stream.channel = channel;
    const { readLogs } = await import(/* webpackMode: "eager" */ '../agent/uart/logsClient');
    const out = stream.output;
    readLogs(channel, { tail: REPLAY_LINES }, (m) => out.appendLine(logLine(m))).then(
      () => out.appendLine(`-- log stream of ${device} ended --`),
      (err: unknown) => out.appendLine(`-- log stream of ${device} ended: ${(err as Error).message} --`),
    );
  }

  /** Stops following every device (the views stay until dispose). */
  stopAll(): void {
    for (const s of this.streams.values()) s.channel?.destroy();
  }

  dispose(): void {
    this.stopAll();
    for (const s of this.streams.values()) s.output.dispose();
    this.streams.clear();
  }
}
