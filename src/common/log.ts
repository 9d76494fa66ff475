// Structured logging: one JSON object per line on stderr, so relay and agent logs can be shipped and grepped.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger bound to a component name; fields never include secrets (keys, tokens, payloads). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

/** Where log lines go; tests pass an array sink to assert on what was logged. */
export type LogSink = (line: string) => void;

/** Makes a JSON-lines logger. The level comes from OUTPOST_LOG_LEVEL unless given. */
export function createLogger(
  component: string,
  sink: LogSink = (l) => process.stderr.write(l + '\n'),
  level?: LogLevel,
): Logger {
  const min = order[level ?? (process.env.OUTPOST_LOG_LEVEL as LogLevel) ?? 'info'] ?? order.info;
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (order[lvl] < min) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, component, msg, ...fields }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (c) => createLogger(`${component}.${c}`, sink, level),
  };
}

/** A logger that drops everything, for code paths where the caller did not ask for logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
