// DAP progress events for work that takes long on a slow link (attach, flashing, a step), so a wait never looks like a hang.
import { ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** One piece of work the editor shows as in progress. */
export interface Progress {
  /** A new message (a phase) and, when known, how far along it is (0–100). */
  update(message: string, percentage?: number): void;
  /** Ends it (idempotent); the editor's indicator goes away. */
  end(message?: string): void;
}

const SILENT: Progress = { update: () => undefined, end: () => undefined };

/**
 * Sends progressStart/Update/End, only to a client that declared `supportsProgressReporting` in `initialize`
 * (others would show nothing, or complain about unknown events).
 */
export class ProgressReporter {
  private enabled = false;
  private nextId = 1;

  constructor(private readonly send: (event: DebugProtocol.Event) => void) {}

  /** Reads the client's capability from its initialize request. */
  clientCapabilities(args: DebugProtocol.InitializeRequestArguments): void {
    this.enabled = args.supportsProgressReporting === true;
  }

  /** Progress shown at once: work that is never instant (attach, launch). */
  begin(title: string, message?: string): Progress {
    return this.enabled ? this.start(title, message) : SILENT;
  }

  /**
   * Progress shown only if the work still runs after `delayMs`: a step is instant on a local probe and takes
   * seconds over a cellular link, and a flash of indicators on every step would be noise.
   */
  after(delayMs: number, title: string, message?: string): Progress {
    if (!this.enabled) return SILENT;
    let shown: Progress | undefined;
    let pending: { message: string; percentage?: number } | undefined;
    let done = false;
    const timer = setTimeout(() => {
      shown = this.start(title, message);
      if (pending) shown.update(pending.message, pending.percentage);
    }, delayMs);
    return {
      update: (m, percentage) => {
        if (done) return;
        if (shown) shown.update(m, percentage);
        else pending = { message: m, percentage };
      },
      end: (m) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        shown?.end(m);
      },
    };
  }

  private start(title: string, message?: string): Progress {
    const id = `outpost-${this.nextId++}`;
    const start = new ProgressStartEvent(id, title, message) as DebugProtocol.ProgressStartEvent;
    start.body.cancellable = false;
    this.send(start);
    let done = false;
    return {
      update: (m, percentage) => {
        if (done) return;
        const e = new ProgressUpdateEvent(id, m) as DebugProtocol.ProgressUpdateEvent;
        if (percentage !== undefined) e.body.percentage = Math.max(0, Math.min(100, Math.round(percentage)));
        this.send(e);
      },
      end: (m) => {
        if (done) return;
        done = true;
        this.send(new ProgressEndEvent(id, m));
      },
    };
  }
}
