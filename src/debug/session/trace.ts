// The `trace` option: every MI exchange with a timestamp, on the debug console and optionally in a log file.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { MiTraceSink } from '../gdb/gdbProcess';
import type { OutputCategory } from './context';

/** A trace sink and the means to close its file. */
export interface MiTrace {
  sink: MiTraceSink | undefined;
  close(): Promise<void>;
}

/** Builds the MI trace for the arguments; without `trace` or `traceFile` it records nothing. */
export function openMiTrace(
  opts: { trace: boolean; traceFile?: string },
  output: (text: string, category: OutputCategory) => void,
): MiTrace {
  let file: WriteStream | undefined;
  if (opts.traceFile) {
    mkdirSync(dirname(opts.traceFile), { recursive: true });
    file = createWriteStream(opts.traceFile, { flags: 'a' });
  }
  if (!opts.trace && !file) return { sink: undefined, close: () => Promise.resolve() };
  const sink: MiTraceSink = (direction, line) => {
    const entry = `${new Date().toISOString()} ${direction} ${line}\n`;
    if (opts.trace) output(entry, 'console');
    file?.write(entry);
  };
  return {
    sink,
    close: () => new Promise<void>((resolve) => (file ? file.end(() => resolve()) : resolve())),
  };
}
