// The `logs` channel: replay of buffered UART lines from a sequence number, then the live stream.
import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../common/log';
import { CloseCode } from '../protocol/closeCodes';
import type { ChannelHandler } from './channelHandler';
import type { LogBuffer, LogEntry } from './uart/logBuffer';
import { LineSplitter } from './uart/lineSplitter';
import { decodeLogsRequest, encodeEntry, encodeGap, encodeLive, type LogsRequest } from './uart/logsWire';

/** How long an operator has to send its request line before the channel is closed. */
export const LOGS_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Serves one logs channel (wire format in uart/logsWire.ts): waits for the request line, replays what it asks
 * for, says where the live stream starts, then streams new lines (unless follow is false). No line is sent twice
 * and none is skipped silently: evicted lines are reported as a gap. While the channel is congested, new lines
 * wait in the LogBuffer and are sent from there once it drains.
 */
export function handleLogsChannel(channel: Duplex, logs: LogBuffer, log: Logger = silentLogger): void {
  const splitter = new LineSplitter();
  const timer = setTimeout(() => channel.destroy(new Error('no logs request received')), LOGS_REQUEST_TIMEOUT_MS);
  const onData = (chunk: Buffer): void => {
    const line = splitter.push(chunk)[0];
    if (line === undefined) return;
    channel.off('data', onData);
    clearTimeout(timer);
    const request = decodeLogsRequest(line);
    if (typeof request === 'string') {
      log.warn('bad logs request', { reason: request });
      channel.destroy(new Error(request));
      return;
    }
    serve(channel, logs, request, log);
  };
  channel.on('data', onData);
  channel.on('error', (err: Error) => log.debug('logs channel ended with an error', { error: err.message }));
  channel.once('close', () => clearTimeout(timer));
}

function serve(channel: Duplex, logs: LogBuffer, request: LogsRequest, log: Logger): void {
  let next: number; // seq of the next line this reader gets
  if (request.tail !== undefined) {
    next = Math.max(logs.oldestSeq, logs.nextSeq - request.tail);
  } else if (request.from !== undefined) {
    // Another epoch means another sequence space (the agent restarted): everything held is new to this reader.
    next = request.epoch === undefined || request.epoch === logs.epoch ? request.from : 1;
  } else {
    next = logs.nextSeq;
  }
  const replay = logs.since(next);
  if (replay.missed) channel.write(encodeGap(replay.missed.from, replay.missed.to));
  writeEntries(channel, replay.entries);
  next = Math.max(next, logs.nextSeq);
  channel.write(encodeLive(logs.epoch, next));
  if (request.follow === false) {
    channel.end();
    return;
  }

  // Live: send from the buffer whenever the channel can take more, so a slow link loses only what the buffer
  // evicts, and says so.
  let waiting = false;
  const pump = (): void => {
    if (waiting) return;
    const { entries, missed } = logs.since(next);
    if (missed) channel.write(encodeGap(missed.from, missed.to));
    for (const e of entries) {
      next = e.seq + 1;
      if (!channel.write(encodeEntry(e))) {
        waiting = true;
        channel.once('drain', () => {
          waiting = false;
          pump();
        });
        return;
      }
    }
  };
  const onEntry = (_e: LogEntry): void => pump();
  logs.on('entry', onEntry);
  channel.once('close', () => logs.off('entry', onEntry));
  channel.once('end', () => {
    logs.off('entry', onEntry);
    channel.end();
  });
  log.debug('logs streaming', { from: next });
}

function writeEntries(channel: Duplex, entries: readonly LogEntry[]): void {
  for (const e of entries) channel.write(encodeEntry(e));
}

/** The agent's handler for `logs` channels, serving from `logs`. */
export function createLogsHandler(logs: LogBuffer): ChannelHandler {
  return (request, { target, log }) => {
    if (!target.uart) {
      request.refuse(
        CloseCode.CHANNEL_REFUSED,
        'this device has no UART log: start the agent with --serial /dev/ttyACM0',
      );
      return;
    }
    const channel = request.accept();
    handleLogsChannel(channel, logs, log.child('logs'));
  };
}
