// An operator's debug session for the kill cases: the real adapter (DAP over stdio) and its gdb, attached through
// the relay to a fleet device; what the session said when it ended.
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildAdapter, EventQueue, startClient, stopClient } from '../../debug/harness';
import { stopAtReport } from '../../debug/scenarios';
import type { DeviceLines } from '../../debug/scenarios';

/** How the session ended, as the editor shows it. */
export interface SessionEnd {
  /** The attach request's error, when the attach itself failed. */
  attachError?: string;
  /** Console/stderr output the adapter sent before `terminated`. */
  said: string[];
}

/** One adapter process with a DAP client. close() in an after hook. */
export class DebugSession {
  private attaching?: Promise<string | undefined>;
  private readonly terminated: Promise<unknown>;
  private readonly outputs: string[] = [];

  private constructor(
    readonly dc: DebugClient,
    private readonly stops: EventQueue<DebugProtocol.StoppedEvent>,
    private readonly logFile: string,
  ) {
    this.terminated = new Promise((resolve) => dc.on('terminated', resolve));
    dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category !== 'telemetry') this.outputs.push(e.body.output);
    });
  }

  static async start(title: string): Promise<DebugSession> {
    const c = await startClient(await buildAdapter(), title);
    await c.dc.initializeRequest();
    return new DebugSession(c.dc, c.stops, c.logFile);
  }

  /** Sends the attach request (device through `relay` with `identityFile`) without waiting for its answer. */
  attach(args: { device: string; executable: string; relay: string; identityFile: string }): void {
    const request = { ...args, traceFile: this.logFile + '.mi' } as DebugProtocol.AttachRequestArguments;
    this.attaching = this.dc.attachRequest(request).then(
      () => undefined,
      (e: Error) => e.message,
    );
  }

  /** Attaches and stops at the reading report's breakpoint. */
  async attachAndStop(args: {
    device: string;
    executable: string;
    relay: string;
    identityFile: string;
  }): Promise<void> {
    const initialized = this.dc.waitForEvent('initialized', 30_000);
    this.attach(args);
    await initialized;
    assert.equal(await this.attaching, undefined, 'attach succeeded');
    const device: DeviceLines = { lines: [], waitFor: () => Promise.reject(new Error('unused')) };
    await stopAtReport({ dc: this.dc, stops: this.stops, outputs: new EventQueue(this.dc, 'output'), device });
  }

  /** Sends `next` and returns at once: the step is outstanding until the stop event. */
  stepOver(): Promise<unknown> {
    return this.dc.nextRequest({ threadId: 1 }).catch((e: Error) => e.message);
  }

  /** Stop events received and not yet taken (a completed step adds one). */
  get pendingStops(): number {
    return this.stops.pending;
  }

  /** Waits for `terminated` and returns what the session said on the way out. */
  async ended(timeoutMs = 45_000): Promise<SessionEnd> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.terminated,
      new Promise(
        (_, reject) =>
          (timer = setTimeout(() => {
            // What the adapter said on the way tells where it waits (see also the .mi trace beside the log).
            const said = this.outputs.map((o) => o.trim()).filter((o) => o !== '');
            reject(new Error(`the session never ended; it said: ${said.join(' | ') || 'nothing'}`));
          }, timeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    const attachError = this.attaching && (await this.attaching);
    return { ...(attachError && { attachError }), said: [...this.outputs] };
  }

  async close(): Promise<void> {
    await stopClient(this.dc);
  }
}
