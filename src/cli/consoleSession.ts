// The terminal side of `outpost console`: raw keys from a TTY (Ctrl-] quits) or piped input, device output to stdout.
import type { ReadStream } from 'node:tty';
import type { Duplex } from 'node:stream';
import type { CliIo } from './command';

/** The key that ends an interactive console (as in telnet): Ctrl-]. */
export const QUIT_KEY = 0x1d;
/** With piped input: how long output is still shown after the input ended. */
export const PIPE_LINGER_MS = 2000;

/** How a console session ended. */
export type ConsoleEnd = { by: 'user' } | { by: 'device'; error?: Error };

function asTty(stream: NodeJS.ReadableStream): ReadStream | undefined {
  const tty = stream as Partial<ReadStream>;
  return tty.isTTY && typeof tty.setRawMode === 'function' ? (stream as ReadStream) : undefined;
}

/**
 * Connects the console channel to the terminal until the user quits (Ctrl-] on a TTY, end of piped input plus
 * PIPE_LINGER_MS, or io.signal) or the device side closes. On a TTY the terminal is in raw mode meanwhile — every
 * key, Ctrl-C included, goes to the firmware — and is always restored before this resolves. `banner` is written
 * to stderr once input flows.
 */
export function runConsole(channel: Duplex, io: CliIo, banner?: string): Promise<ConsoleEnd> {
  const tty = asTty(io.stdin);
  return new Promise<ConsoleEnd>((resolve) => {
    let linger: NodeJS.Timeout | undefined;
    const toDevice = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const quit = tty ? bytes.indexOf(QUIT_KEY) : -1;
      if (quit < 0) return void channel.write(bytes);
      if (quit > 0) channel.write(bytes.subarray(0, quit));
      finish({ by: 'user' });
    };
    const toTerminal = (chunk: Buffer): void => void io.stdout.write(chunk);
    const onInputEnd = (): void => {
      linger = setTimeout(() => finish({ by: 'user' }), PIPE_LINGER_MS);
    };
    const onAbort = (): void => finish({ by: 'user' });
    const onError = (error: Error): void => finish({ by: 'device', error });
    const onClose = (): void => finish({ by: 'device' });
    let done = false;
    const finish = (end: ConsoleEnd): void => {
      if (done) return;
      done = true;
      clearTimeout(linger);
      io.stdin.off('data', toDevice);
      io.stdin.off('end', onInputEnd);
      io.signal.removeEventListener('abort', onAbort);
      channel.off('data', toTerminal);
      channel.off('error', onError);
      channel.off('close', onClose);
      if (tty) tty.setRawMode(false);
      io.stdin.pause();
      resolve(end);
    };
    channel.on('data', toTerminal);
    channel.once('error', onError);
    channel.once('close', onClose);
    io.signal.addEventListener('abort', onAbort, { once: true });
    if (tty) tty.setRawMode(true);
    // Said once the terminal is raw, so keys typed after it reach the firmware as they are.
    if (banner) io.stderr.write(banner);
    io.stdin.on('data', toDevice);
    io.stdin.once('end', onInputEnd);
    io.stdin.resume();
  });
}
