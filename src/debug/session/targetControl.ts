// The one queue every GDB-touching request runs through, and the gate that briefly halts a running target.
import { DebugError, ErrorCode } from '../errors';
import type { GdbProcess } from '../gdb/gdbProcess';
import { execInterrupt } from '../mi/commands/execution';
import { str } from '../mi/read';
import type { MiTuple } from '../mi/types';
import type { StepHint } from '../stub/stubConnector';

/** Receives every stop the user should see (breakpoints, steps, pauses, faults), in order, inside the queue. */
export type StopHandler = (stop: MiTuple) => Promise<void>;

/**
 * Serialises work on GDB so back-to-back editor requests cannot interleave, and tracks whether the target runs.
 * `halted()` interrupts a running target, does the work and resumes it, without the editor seeing a stop.
 */
export class TargetControl {
  private tail: Promise<unknown> = Promise.resolve();
  private state: 'running' | 'stopped' = 'stopped';
  private stopWaiter: ((stop: MiTuple) => void) | undefined;
  private stopHandler: StopHandler = () => Promise.resolve();

  constructor(
    private readonly gdb: GdbProcess,
    private readonly haltTimeoutMs: number,
    private readonly onHandlerError: (err: unknown) => void,
    /** The endpoint's StepHint (the accelerated tunnel runs over calls next to the stub during a `next`). */
    private readonly stepHint: (hint: StepHint) => void = () => undefined,
  ) {
    gdb.onAsync((rec) => {
      if (rec.kind !== 'exec') return;
      if (rec.cls === 'running') this.state = 'running';
      if (rec.cls !== 'stopped') return;
      this.state = 'stopped';
      // A `step` typed in the debug console afterwards must not be taken for this `next`.
      this.stepHint('none');
      const waiter = this.stopWaiter;
      this.stopWaiter = undefined;
      if (waiter) waiter(rec.results);
      else this.deliver(rec.results);
    });
  }

  /** Sets who hears about stops (set once the session is wired). */
  setStopHandler(handler: StopHandler): void {
    this.stopHandler = handler;
  }

  /** True while the target executes. */
  get running(): boolean {
    return this.state === 'running';
  }

  /** Runs `work` after everything queued before it; the result is the work's. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The caller gets the failure through `result`; the queue itself only needs to move on.
    this.tail = result.catch((err: unknown) => err);
    return result;
  }

  /** Runs `work` with the target halted: interrupts it if it runs and resumes it afterwards. */
  halted<T>(work: () => Promise<T>): Promise<T> {
    return this.run(async () => {
      const pause = await this.haltIfRunning();
      try {
        return await work();
      } finally {
        if (pause.realStop) this.deliver(pause.realStop);
        else if (pause.resume) await this.resume('-exec-continue');
      }
    });
  }

  /** Like run(), but fails with one clear message unless the target is stopped (for step, stack, variables). */
  stopped<T>(work: () => Promise<T>): Promise<T> {
    return this.run(() => {
      if (this.state === 'running') {
        throw new DebugError(ErrorCode.TargetRunning, 'the target is running: pause it first');
      }
      return work();
    });
  }

  /** Sends an execution command (continue, step…) from inside the queue; the target counts as running after. */
  async resume(command: string): Promise<void> {
    // Running from now on: a fast step's `*running` and `*stopped` arrive with its `^running`, before this function
    // resumes, and marking it running after the answer would take the stop back (the next request then hangs).
    const before = this.state;
    this.state = 'running';
    this.stepHint(/^-exec-next(\s|$)/.test(command) ? 'next' : 'none');
    try {
      await this.gdb.send(command);
    } catch (err) {
      this.state = before;
      throw err;
    }
  }

  /** Waits (inside the queue) for the next stop, for flows like "continue to main" that must see it. */
  nextStop(timeoutMs: number, what: string): Promise<MiTuple> {
    return this.withTimeout(new Promise<MiTuple>((resolve) => (this.stopWaiter = resolve)), timeoutMs, what);
  }

  /** Halts a running target for good (disconnect, restart); call only from inside run(). */
  async pauseQuietly(): Promise<void> {
    await this.haltIfRunning();
  }

  private async haltIfRunning(): Promise<{ resume: boolean; realStop?: MiTuple }> {
    if (this.state !== 'running') return { resume: false };
    const stopped = new Promise<MiTuple>((resolve) => (this.stopWaiter = resolve));
    await this.gdb.send(execInterrupt());
    const stop = await this.withTimeout(stopped, this.haltTimeoutMs, 'the target did not halt');
    const reason = str(stop, 'reason');
    const ours = reason === undefined || (reason === 'signal-received' && str(stop, 'signal-name') === 'SIGINT');
    // If a breakpoint won the race against our interrupt, the user must see that stop and the target stays halted.
    return ours ? { resume: true } : { resume: false, realStop: stop };
  }

  private withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stopWaiter = undefined;
        reject(new DebugError(ErrorCode.GdbTimeout, `${what} within ${Math.round(ms / 100) / 10} s`));
      }, ms);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private deliver(stop: MiTuple): void {
    this.run(() => this.stopHandler(stop)).catch(this.onHandlerError);
  }
}
