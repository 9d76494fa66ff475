// The operator side of a logs channel: send the request, decode lines, gaps and the live marker.
import type { Duplex } from 'node:stream';
import { LineSplitter } from './lineSplitter';
import { decodeLogsMessage, encodeLogsRequest, type LogsMessage, type LogsRequest } from './logsWire';

/**
 * Sends `request` on an opened logs channel and calls `onMessage` for each message. Resolves when the channel
 * ends (with follow: false, right after the `live` message). Remember the last `seq` and the `epoch` of the
 * `live` message to resume after a reconnect with {from: seq + 1, epoch} without duplicates.
 */
export function readLogs(channel: Duplex, request: LogsRequest, onMessage: (m: LogsMessage) => void): Promise<void> {
  const splitter = new LineSplitter(1024 * 1024);
  return new Promise((resolve, reject) => {
    channel.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        const message = decodeLogsMessage(line);
        if (message) onMessage(message);
      }
    });
    channel.once('end', () => resolve());
    channel.once('close', () => resolve());
    channel.once('error', reject);
    channel.write(encodeLogsRequest(request));
  });
}
