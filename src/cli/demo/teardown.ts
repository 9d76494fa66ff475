// Undo stack for a long-running command: what was started is stopped in reverse order, each step even if one fails.
import type { Logger } from '../../common/log';

interface Step {
  what: string;
  undo: () => Promise<void> | void;
}

/**
 * Collects how to stop each thing as it is started, so a start that fails half way, a Ctrl-C during start-up and
 * a normal stop all end the same way: everything started so far is stopped, newest first.
 */
export class Teardown {
  private readonly steps: Step[] = [];
  private running?: Promise<void>;

  constructor(private readonly log: Logger) {}

  /** Registers how to undo something just started. */
  add(what: string, undo: () => Promise<void> | void): void {
    this.steps.push({ what, undo });
  }

  /**
   * Registers something still starting, before the caller awaits it: once it has started, `stop` is run on it (a
   * stop requested meanwhile waits for that); one that failed to start left nothing to undo.
   */
  addStarting<T>(what: string, starting: Promise<T>, stop: (started: T) => Promise<void> | void): void {
    this.add(what, async () => {
      const [result] = await Promise.allSettled([starting]);
      if (result.status === 'fulfilled') await stop(result.value);
    });
  }

  /** Runs every step, newest first; a failing step is logged and the rest still run. Idempotent. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step.undo();
        } catch (err) {
          this.log.error('stopping failed', { what: step.what, error: (err as Error).message });
        }
      }
    })();
    return this.running;
  }
}
