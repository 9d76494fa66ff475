// Runs one console command through the framed protocol over any byte stream (a Uart, a console channel).
import { randomBytes } from 'node:crypto';
import { TargetError } from '../targets/errors';
import { LineSplitter } from './lineSplitter';
import { frameRequest, isSendableCommand, parseReplyLine } from './execFraming';

/** What a command produced. */
export interface ExecResult {
  /** The reply text without tags, one line per line, each ending in "\n". */
  readonly output: string;
  readonly exitCode: number;
}

/** The two things exec needs from a byte stream: a Uart and a Duplex channel both have them. */
export interface BytePort {
  write(data: string | Buffer): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/** Options of execCommand. */
export interface ExecOptions {
  /** How long to wait for the `#end` line (default 10 s). */
  readonly timeoutMs?: number;
}

let counter = 0;

function newTag(): string {
  counter = (counter + 1) % 0x10000;
  return `x${counter.toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Sends `command` as a framed request and resolves with its output and exit code. Other output on the port
 * (log lines, other requests' replies) is ignored. Rejects with BAD_COMMAND for a command that is not one
 * printable line, EXEC_TIMEOUT when no complete reply arrives in time.
 */
export function execCommand(port: BytePort, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  if (!isSendableCommand(command)) {
    return Promise.reject(
      new TargetError('BAD_COMMAND', 'a console command must be one line of printable text, at most 100 characters'),
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tag = newTag();
  const splitter = new LineSplitter();
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      for (const line of splitter.push(chunk)) {
        const reply = parseReplyLine(line);
        if (!reply || reply.tag !== tag) continue;
        if ('exitCode' in reply) {
          done();
          resolve({ output: lines.map((l) => l + '\n').join(''), exitCode: reply.exitCode });
          return;
        }
        lines.push(reply.text);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new TargetError(
          'EXEC_TIMEOUT',
          `no reply to "${command}" within ${timeoutMs / 1000} s; the firmware must answer framed console requests (see examples/u5-sensor/README.md)`,
          lines.join('\n'),
        ),
      );
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      port.off('data', onData);
    };
    port.on('data', onData);
    port.write(frameRequest(tag, command));
  });
}
