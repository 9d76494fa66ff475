// One GDB child process in MI3 mode: a single command queue with tokens, async record events, timeouts, clean exit.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DebugError, ErrorCode } from '../errors';
import { parseMiLine } from '../mi/parse';
import type { MiAsyncRecord, MiStreamRecord, MiTuple } from '../mi/types';

/** A successful answer to one MI command, with the console text GDB printed while running it. */
export interface MiAnswer {
  cls: string;
  results: MiTuple;
  console: string;
}

/** One line of the MI exchange, for `trace`: `>` sent, `<` received, `!` GDB's stderr, `#` a note by the adapter. */
export type MiTraceSink = (direction: '>' | '<' | '!' | '#', line: string) => void;

/** How to start GDB. */
export interface GdbProcessOptions {
  gdbPath: string;
  cwd?: string;
  /** Per-command timeout unless a command says otherwise. */
  timeoutMs?: number;
  trace?: MiTraceSink;
}

interface Pending {
  token: number;
  command: string;
  timeoutMs: number;
  console: string[];
  resolve(a: MiAnswer): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

const startTimeoutMs = 10_000;

/** A running GDB. Commands run one at a time, in order; `*`/`=` records and streams go to listeners. */
export class GdbProcess {
  private readonly queue: Pending[] = [];
  private inFlight: Pending | undefined;
  private nextToken = 1;
  private exited: { code: number | null; signal: string | null } | undefined;
  private readonly asyncListeners: Array<(r: MiAsyncRecord) => void> = [];
  private readonly streamListeners: Array<(r: MiStreamRecord) => void> = [];
  private readonly exitListeners: Array<(desc: string) => void> = [];
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private opts: GdbProcessOptions,
  ) {}

  /** Spawns `gdb --interpreter=mi3 -nx -q` and resolves once it shows its first prompt. */
  static start(opts: GdbProcessOptions): Promise<GdbProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(opts.gdbPath, ['--interpreter=mi3', '-nx', '-q'], { cwd: opts.cwd, stdio: 'pipe' });
      const gdb = new GdbProcess(child, opts);
      let ready = false;
      const timer = setTimeout(() => {
        fail(new DebugError(ErrorCode.GdbStartFailed, `${opts.gdbPath} did not start a GDB/MI session within 10 s`));
        child.kill('SIGKILL');
      }, startTimeoutMs);
      const fail = (err: DebugError): void => {
        clearTimeout(timer);
        if (!ready) reject(err);
        ready = true;
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'not executable' : err.message;
        fail(new DebugError(ErrorCode.GdbNotFound, `cannot run GDB at ${opts.gdbPath}: ${why}`));
      });
      child.on('exit', (code, signal) => {
        gdb.handleExit(code, signal);
        fail(
          new DebugError(ErrorCode.GdbStartFailed, `${opts.gdbPath} exited before it was ready (${gdb.exitText()})`),
        );
      });
      // A GDB killed while a command is being written makes that write fail (EPIPE); its exit event ends the
      // session with the reason, so the write error is only traced (unhandled, it would crash the adapter).
      child.stdin.on('error', (err) => opts.trace?.('!', `writing to GDB failed: ${err.message}`));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        gdb.stderrTail = (gdb.stderrTail + chunk).slice(-2000);
        for (const l of chunk.split('\n')) if (l.trim()) opts.trace?.('!', l);
      });
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      lines.on('line', (line) => {
        const kind = gdb.onLine(line);
        if (kind === 'prompt' && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve(gdb);
        }
      });
    });
  }

  /** Sends one MI command (built by mi/commands) and resolves with its `^done`/`^running`/`^connected` answer. */
  send(command: string, options: { timeoutMs?: number } = {}): Promise<MiAnswer> {
    if (/[\r\n]/.test(command)) return Promise.reject(new DebugError(ErrorCode.Internal, 'MI command with a newline'));
    if (this.exited) return Promise.reject(this.exitedError(command));
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs ?? 10_000;
      this.queue.push({ token: this.nextToken++, command, timeoutMs, console: [], resolve, reject });
      this.pump();
    });
  }

  /** Changes the timeout of commands that do not set their own (e.g. once the link's round trip is known). */
  setDefaultTimeout(timeoutMs: number): void {
    this.opts = { ...this.opts, timeoutMs };
  }

  /** Listens for `*` (exec), `+` (status) and `=` (notify) records. */
  onAsync(listener: (r: MiAsyncRecord) => void): void {
    this.asyncListeners.push(listener);
  }

  /** Listens for console/target/log stream text. */
  onStream(listener: (r: MiStreamRecord) => void): void {
    this.streamListeners.push(listener);
  }

  /** Called once when GDB exits, with a description of how. */
  onExit(listener: (description: string) => void): void {
    this.exitListeners.push(listener);
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = { code, signal };
    const pending = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(this.exitedError(p.command));
    }
    for (const l of this.exitListeners) l(this.exitText());
  }

  /** True until the process has exited. */
  get running(): boolean {
    return !this.exited;
  }

  /** Ends GDB: `-gdb-exit`, then SIGTERM, then SIGKILL, each given a moment. Resolves when the process is gone. */
  async exit(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.exitListeners.push(() => r()));
    const step = (ms: number): Promise<boolean> =>
      Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    this.child.stdin.write(`-gdb-exit\n`);
    if (await step(2000)) return;
    this.child.kill('SIGTERM');
    if (await step(2000)) return;
    this.child.kill('SIGKILL');
    await gone;
  }

  private pump(): void {
    if (this.inFlight || this.exited) return;
    const next = this.queue.shift();
    if (!next) return;
    this.inFlight = next;
    next.timer = setTimeout(() => {
      if (this.inFlight !== next) return;
      this.inFlight = undefined;
      const secs = Math.round(next.timeoutMs / 100) / 10;
      next.reject(new DebugError(ErrorCode.GdbTimeout, `GDB did not answer \`${next.command}\` within ${secs} s`));
      this.pump();
    }, next.timeoutMs);
    const line = `${next.token}${next.command}`;
    this.opts.trace?.('>', line);
    this.child.stdin.write(line + '\n');
  }

  private onLine(line: string): string {
    if (line.trim() === '') return 'empty';
    this.opts.trace?.('<', line);
    const rec = parseMiLine(line);
    switch (rec.kind) {
      case 'result': {
        const p = this.inFlight;
        if (!p || rec.token !== p.token) break; // a late answer to a command that timed out
        clearTimeout(p.timer);
        this.inFlight = undefined;
        if (rec.cls === 'error') {
          const msg = typeof rec.results.msg === 'string' ? rec.results.msg : 'unknown error';
          p.reject(new GdbCommandError(p.command, msg));
        } else p.resolve({ cls: rec.cls, results: rec.results, console: p.console.join('') });
        this.pump();
        break;
      }
      case 'exec':
      case 'status':
      case 'notify':
        for (const l of this.asyncListeners) l(rec);
        break;
      case 'console':
      case 'target':
      case 'log':
        if (rec.kind === 'console' && this.inFlight) this.inFlight.console.push(rec.text);
        for (const l of this.streamListeners) l(rec);
        break;
      default:
        break;
    }
    return rec.kind;
  }

  private exitText(): string {
    const e = this.exited;
    const how = !e ? 'running' : e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
    const err = this.stderrTail.trim().split('\n').pop();
    return err ? `${how}: ${err}` : how;
  }

  private exitedError(command: string): DebugError {
    return new DebugError(ErrorCode.GdbExited, `GDB exited (${this.exitText()}) while running \`${command}\``);
  }
}

/** GDB answered `^error`: `message` is GDB's own text. */
export class GdbCommandError extends DebugError {
  constructor(
    readonly command: string,
    readonly gdbMessage: string,
  ) {
    super(ErrorCode.GdbCommandFailed, gdbMessage);
    this.name = 'GdbCommandError';
  }
}
