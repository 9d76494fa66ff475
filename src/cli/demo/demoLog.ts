// The demo's log: every part's JSON lines go to one file, so the terminal shows only progress and errors.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '../../common/log';

/**
 * A logger writing JSON lines to `file` (created with its folder); error lines also go to `stderr`, so a device or
 * relay failure while the demo runs is seen without opening the file. The level comes from OUTPOST_LOG_LEVEL.
 */
export function createDemoLogger(file: string, stderr: NodeJS.WritableStream): Logger {
  mkdirSync(path.dirname(file), { recursive: true });
  return createLogger('demo', (line) => {
    // Synchronous, so the last lines before a crash or a second Ctrl-C are on disk.
    try {
      appendFileSync(file, line + '\n');
    } catch (err) {
      // A temporary data directory is removed last when the demo stops; a straggling line has nowhere to go.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (line.includes('"level":"error"')) stderr.write(line + '\n');
  });
}
