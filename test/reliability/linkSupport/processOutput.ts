// What a child process printed (stdout and stderr, kept apart) and a wait for a line that matches.
import type { ChildProcess } from 'node:child_process';

/** Collects a child's output from the moment it is made, so nothing printed early is missed. */
export class ProcessOutput {
  private out = '';
  private err = '';
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString();
      this.listeners.forEach((l) => l());
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.err += d.toString();
      this.listeners.forEach((l) => l());
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /**
   * Resolves with the first match of `pattern` in stdout (from character `from` on); rejects, with the tail of
   * stderr, if the process exits first or `timeoutMs` pass.
   */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = this.out.slice(from).match(pattern);
        if (!m) return;
        done();
        resolve(m);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; stderr: ${this.err.slice(-1500)}`));
      }, timeoutMs);
      const onExit = (code: number | null): void => {
        done();
        reject(new Error(`exited (${code}) before printing ${pattern}; stderr: ${this.err.slice(-1500)}`));
      };
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        this.child.off('exit', onExit);
      };
      this.listeners.add(check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
