// Wires a target's UART into an agent: the log buffer it feeds, and the console and logs channel handlers.
import type { Disposable } from '../link/connection';
import type { ChannelKind } from '../protocol/channels';
import type { ChannelHandler } from './channelHandler';
import { createConsoleHandler } from './consoleHandler';
import { createLogsHandler } from './logsHandler';
import type { Target, Uart } from './target';
import { isReplyLine } from './uart/execFraming';
import { LogBuffer } from './uart/logBuffer';

/** The part of the Agent this needs (Agent.handle). */
export interface HandlerRegistry {
  handle(kind: ChannelKind, handler: ChannelHandler): Disposable;
}

/** What serveUart set up. */
export interface UartServices {
  /** Every line the firmware printed (framed command replies excepted), for logs channels and health checks. */
  readonly logs: LogBuffer;
  /** Unregisters the handlers and stops feeding the buffer. */
  dispose(): void;
}

/** Feeds each UART line into `logs`, leaving out framed replies (those belong to the program that asked). */
export function feedLogBuffer(uart: Uart, logs: LogBuffer): () => void {
  const onLine = (line: string): void => {
    if (!isReplyLine(line)) logs.append(line);
  };
  uart.on('line', onLine);
  return () => uart.off('line', onLine);
}

/**
 * Registers the `console` and `logs` handlers on the agent and starts buffering the target's UART lines.
 * With no UART, the handlers refuse their channels with a message saying how to configure one.
 */
export function serveUart(agent: HandlerRegistry, target: Target, logs: LogBuffer = new LogBuffer()): UartServices {
  const stopFeeding = target.uart ? feedLogBuffer(target.uart, logs) : () => undefined;
  const handlers = [agent.handle('console', createConsoleHandler()), agent.handle('logs', createLogsHandler(logs))];
  return {
    logs,
    dispose: () => {
      stopFeeding();
      for (const h of handlers) h.dispose();
    },
  };
}
