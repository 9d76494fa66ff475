// The `console` channel: raw bytes between an operator's terminal (or `outpost exec`) and the firmware's UART.
import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../common/log';
import { CloseCode } from '../protocol/closeCodes';
import type { ChannelHandler } from './channelHandler';
import type { Target, Uart } from './target';

/** Console output held for a slow operator before dropping (the firmware cannot be paused for one reader). */
export const CONSOLE_BUFFER_LIMIT = 1024 * 1024;

/**
 * Pipes `channel` to the target's UART until either ends. Several consoles may be open at once: each sees all
 * output; their input is interleaved. Output that would exceed CONSOLE_BUFFER_LIMIT in the channel's buffer is
 * dropped, and the operator sees one notice with the byte count once the channel drains.
 */
export function handleConsoleChannel(channel: Duplex, target: Target, log: Logger = silentLogger): void {
  const uart = target.uart;
  if (!uart) {
    channel.destroy(new Error('this device has no console UART'));
    return;
  }
  pipeConsole(channel, uart, log);
}

function pipeConsole(channel: Duplex, uart: Uart, log: Logger): void {
  let droppedBytes = 0;
  const fromUart = (chunk: Buffer): void => {
    if (channel.writableLength + chunk.length > CONSOLE_BUFFER_LIMIT) {
      droppedBytes += chunk.length;
      return;
    }
    channel.write(chunk);
  };
  const onDrain = (): void => {
    if (droppedBytes === 0) return;
    channel.write(`\r\n[outpost: ${droppedBytes} bytes of console output dropped: the link was too slow]\r\n`);
    log.warn('console output dropped for a slow reader', { bytes: droppedBytes });
    droppedBytes = 0;
  };
  const toUart = (chunk: Buffer): void => uart.write(chunk);
  const close = (): void => {
    uart.off('data', fromUart);
    channel.off('data', toUart);
    channel.off('drain', onDrain);
  };
  uart.on('data', fromUart);
  channel.on('data', toUart);
  channel.on('drain', onDrain);
  channel.on('error', (err: Error) => log.warn('console channel ended with an error', { error: err.message }));
  channel.once('close', close);
  channel.once('end', () => {
    close();
    channel.end();
  });
}

/** The agent's handler for `console` channels; refuses the OPEN when the target has no UART. */
export function createConsoleHandler(): ChannelHandler {
  return (request, { target, log }) => {
    if (!target.uart) {
      request.refuse(
        CloseCode.CHANNEL_REFUSED,
        'this device has no console: start the agent with the board’s serial port (--serial /dev/ttyACM0)',
      );
      return;
    }
    const channel = request.accept();
    const consoleLog = log.child('console');
    consoleLog.info('console opened', { operator: request.operator });
    channel.once('close', () => consoleLog.info('console closed', { operator: request.operator }));
    handleConsoleChannel(channel, target, consoleLog);
  };
}
