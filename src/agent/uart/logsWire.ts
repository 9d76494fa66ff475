// The `logs` channel's messages: newline-delimited JSON both ways (pure encode/decode).
//
// Operator → agent, one line, first thing on the channel:
//   {"from": SEQ, "epoch": "…"}  replay held lines with seq ≥ SEQ (when epoch matches; else all held lines)
//   {"tail": N}                  replay the newest N lines
//   {}                           no replay
//   add "follow": false to end the channel after the replay (default: keep streaming new lines)
// Agent → operator, one message per line:
//   {"seq":N,"time":"ISO-8601","level":"info","text":"I: …"}   a line (level absent for non-log output)
//   {"gap":{"from":A,"to":B}}                                  lines A..B were dropped (buffer bounded)
//   {"live":true,"epoch":"…","next":N}                         replay done; N = seq of the next line
import type { LogEntry, LogLevelName } from './logBuffer';

/** What the operator asks for. */
export interface LogsRequest {
  readonly from?: number;
  readonly epoch?: string;
  readonly tail?: number;
  readonly follow?: boolean;
}

/** One message from the agent. */
export type LogsMessage =
  | {
      readonly kind: 'line';
      readonly seq: number;
      readonly time: string;
      readonly level?: LogLevelName;
      readonly text: string;
    }
  | { readonly kind: 'gap'; readonly from: number; readonly to: number }
  | { readonly kind: 'live'; readonly epoch: string; readonly next: number };

const MAX_REQUEST_BYTES = 1024;

/** The request line an operator sends. */
export function encodeLogsRequest(request: LogsRequest): string {
  return JSON.stringify(request) + '\n';
}

/** Parses the operator's request line; returns a one-line reason when it is not a valid request. */
export function decodeLogsRequest(line: string): LogsRequest | string {
  if (line.length > MAX_REQUEST_BYTES) return 'logs request too long';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return `logs request is not JSON: ${(err as Error).message}`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'logs request must be a JSON object';
  const r = raw as Record<string, unknown>;
  const count = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
  if (!count(r.from) || !count(r.tail)) return 'logs request: from and tail must be whole numbers ≥ 0';
  if (r.epoch !== undefined && typeof r.epoch !== 'string') return 'logs request: epoch must be a string';
  if (r.follow !== undefined && typeof r.follow !== 'boolean') return 'logs request: follow must be true or false';
  return {
    ...(r.from !== undefined ? { from: r.from as number } : {}),
    ...(r.epoch !== undefined ? { epoch: r.epoch as string } : {}),
    ...(r.tail !== undefined ? { tail: r.tail as number } : {}),
    ...(r.follow !== undefined ? { follow: r.follow as boolean } : {}),
  };
}

/** A log line as the agent sends it. */
export function encodeEntry(e: LogEntry): string {
  const msg: Record<string, unknown> = { seq: e.seq, time: new Date(e.time).toISOString() };
  if (e.level) msg.level = e.level;
  msg.text = e.text;
  return JSON.stringify(msg) + '\n';
}

export function encodeGap(from: number, to: number): string {
  return JSON.stringify({ gap: { from, to } }) + '\n';
}

export function encodeLive(epoch: string, next: number): string {
  return JSON.stringify({ live: true, epoch, next }) + '\n';
}

/** Parses one line from the agent; undefined for anything unrecognised (newer agents may add messages). */
export function decodeLogsMessage(line: string): LogsMessage | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  if (typeof raw.seq === 'number' && typeof raw.text === 'string' && typeof raw.time === 'string') {
    const level = typeof raw.level === 'string' ? (raw.level as LogLevelName) : undefined;
    return { kind: 'line', seq: raw.seq, time: raw.time, ...(level ? { level } : {}), text: raw.text };
  }
  const gap = raw.gap as { from?: unknown; to?: unknown } | undefined;
  if (gap && typeof gap.from === 'number' && typeof gap.to === 'number')
    return { kind: 'gap', from: gap.from, to: gap.to };
  if (raw.live === true && typeof raw.epoch === 'string' && typeof raw.next === 'number') {
    return { kind: 'live', epoch: raw.epoch, next: raw.next };
  }
  return undefined;
}
