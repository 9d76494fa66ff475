// How `outpost logs` prints what the device sent: timestamped text lines, or one JSON object per line (pure).
import type { LogsMessage } from '../agent/uart/logsWire';

/** Output styles of `outpost logs`. */
export type LogStyle = 'text' | 'json';

/** The stdout line for a log line (with its newline), or undefined for messages that print nothing there. */
export function formatLogLine(message: LogsMessage, style: LogStyle): string | undefined {
  if (message.kind === 'line') {
    if (style === 'json') {
      const { seq, time, level, text } = message;
      return JSON.stringify({ seq, time, ...(level ? { level } : {}), text }) + '\n';
    }
    return `${message.time} ${message.text}\n`;
  }
  if (message.kind === 'gap' && style === 'json') {
    return JSON.stringify({ gap: { from: message.from, to: message.to, dropped: droppedLines(message) } }) + '\n';
  }
  return undefined;
}

/** How many lines a gap stands for. */
export function droppedLines(gap: { from: number; to: number }): number {
  return gap.to - gap.from + 1;
}

/** The stderr notice for a gap. */
export function gapNotice(gap: { from: number; to: number }): string {
  const n = droppedLines(gap);
  return `${n} log line${n === 1 ? '' : 's'} dropped (${gap.from}–${gap.to}): the device's log buffer overflowed before they could be sent`;
}
