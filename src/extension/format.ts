// Short human renderings shared by the tree, tooltips, the status bar and log views: ages, signal, sizes, lines.
import type { LogsMessage } from '../agent/uart/logsWire';

/** "just now", "5 min ago", "3 h ago", "2 d ago"; "never" without a time. A time ahead of `now` is "just now". */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown';
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  if (s < 45 * 60) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const UNITS: Array<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
];

/** A duration in seconds as its two largest units: "42 s", "3 min 5 s", "2 h 7 min", "12 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const first = UNITS.findIndex(([, size]) => s >= size);
  if (first === -1) return '0 s';
  const [bigName, bigSize] = UNITS[first];
  const big = Math.floor(s / bigSize);
  const next = UNITS[first + 1];
  const small = next ? Math.floor((s - big * bigSize) / next[1]) : 0;
  return small && next ? `${big} ${bigName} ${small} ${next[0]}` : `${big} ${bigName}`;
}

/** How strong a cellular signal is: 0–4 bars with a word, from RSSI in dBm. */
export interface Signal {
  readonly bars: number;
  readonly label: 'excellent' | 'good' | 'fair' | 'poor' | 'very weak';
  /** Four cells, filled bars rising left to right, e.g. "▂▄▁▁" for two bars. */
  readonly glyph: string;
}

// LTE RSSI bands as modem vendors grade them (−65 and better is excellent, below −95 barely usable).
const BANDS: Array<[number, Signal['label']]> = [
  [-65, 'excellent'],
  [-75, 'good'],
  [-85, 'fair'],
  [-95, 'poor'],
];

/** Grades an RSSI reading. */
export function signalOf(rssi: number): Signal {
  const idx = BANDS.findIndex(([min]) => rssi >= min);
  const bars = idx === -1 ? 0 : 4 - idx;
  const label = idx === -1 ? 'very weak' : BANDS[idx][1];
  const glyph = ['▂', '▄', '▆', '█'].map((c, i) => (i < bars ? c : '▁')).join('');
  return { bars, label, glyph };
}

/** "512 B", "1.5 KiB", "3.2 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Escapes text from the relay (device names, tags, reasons) so markdown tooltips show it literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** One line of a device log view for one message of the logs channel. */
export function logLine(m: LogsMessage): string {
  if (m.kind === 'line') return `${m.time} ${m.text}`;
  if (m.kind === 'gap') return `-- ${m.to - m.from + 1} lines dropped by the device (buffer full) --`;
  return '-- live --';
}
