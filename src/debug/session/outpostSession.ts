// The Outpost debug session: a slim DebugSession that routes each DAP request to the module for its concern.
import { DebugSession, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { performance } from 'node:perf_hooks';
import { silentLogger, type Logger } from '../../common/log';
import { asDebugError, DebugError, ErrorCode } from '../errors';
import { GdbCommandError } from '../gdb/gdbProcess';
import { breakInsert } from '../mi/commands/breakpoints';
import { execContinue, execFinish, execInterrupt, execNext, execStep } from '../mi/commands/execution';
import { num, tuple } from '../mi/read';
import { debuggerCapabilities } from './capabilities';
import { THREAD_ID, type OutputCategory, type SessionContext } from './context';
import { disassemble } from './disassemble';
import { evaluate, rawGdbCommand } from './evaluate';
import { exceptionInfo } from './exceptionInfo';
import { parseDebugArgs } from './launchArgs';
import { peripheralScopes, startPeripherals } from './peripherals';
import { describePatience } from './linkPatience';
import { ProgressReporter, type Progress } from './progress';
import { readMemory, writeMemory } from './memory';
import { scopes, stackTrace } from './stackTrace';
import { connect, reset, teardown, type Connected, type SessionDeps } from './startup';
import { handleStop, type ExpectedStop } from './stops';
import { setVariable, variables } from './variables';

/** A step that has not stopped after this long is shown as in progress (instant on a probe, seconds on a slow link). */
const STEP_PROGRESS_DELAY_MS = 1000;

/** What the host passes in: stub connectors, the gdbPath setting, a logger. */
export interface OutpostSessionOptions extends SessionDeps {
  logger?: Logger;
}

/** One debug session of one device; runs inline in the extension host or behind the stdio adapter. */
export class OutpostDebugSession extends DebugSession {
  private connected: Connected | undefined;
  private expected: ExpectedStop | undefined;
  private readonly log: Logger;
  private readonly progress = new ProgressReporter((e) => this.sendEvent(e));
  /** The step (or restart) waiting for its stop, shown as in progress while it takes long. */
  private stepping: Progress | undefined;

  constructor(private readonly options: OutpostSessionOptions) {
    super();
    this.log = options.logger ?? silentLogger;
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    args: DebugProtocol.InitializeRequestArguments,
  ): void {
    this.progress.clientCapabilities(args);
    response.body = debuggerCapabilities;
    this.sendResponse(response);
  }

  protected override attachRequest(
    response: DebugProtocol.AttachResponse,
    args: DebugProtocol.AttachRequestArguments,
  ): void {
    this.startSession(response, 'attach', args as Record<string, unknown>);
  }

  protected override launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments,
  ): void {
    this.startSession(response, 'launch', args as Record<string, unknown>);
  }

  private startSession(
    response: DebugProtocol.Response,
    request: 'attach' | 'launch',
    raw: Record<string, unknown>,
  ): void {
    const target = typeof raw.device === 'string' ? raw.device : String(raw.gdbTarget ?? 'the target');
    const shown = this.progress.begin(request === 'attach' ? `Attaching to ${target}` : `Launching on ${target}`);
    const io = {
      sendEvent: (e: DebugProtocol.Event) => this.sendEvent(e),
      output: (t: string, c?: OutputCategory) => this.output(t, c),
      progress: (message: string, percentage?: number) => shown.update(message, percentage),
    };
    const run = async (): Promise<void> => {
      const args = parseDebugArgs(request, raw);
      const c = await connect(this.options, args, io, (err) => this.fail(err));
      this.connected = c;
      startPeripherals(c.ctx);
      c.ctx.control.setStopHandler((stop) => {
        const exp = this.expected && num(stop, 'bkptno') === this.expected.gdbNumber ? this.expected : undefined;
        if (exp) this.expected = undefined;
        return handleStop(c.ctx, c.registry, stop, exp).finally(() => this.endStepping());
      });
      c.ctx.gdb.onExit((how) => this.lost(c, `GDB exited unexpectedly (${how})`));
      // GDB reports a stub that hung up (device gone, tunnel dropped) as the inferior exiting.
      c.ctx.gdb.onAsync((r) => {
        if (r.kind === 'notify' && r.cls === 'thread-group-exited') {
          this.lost(c, `the connection to the GDB server at ${c.ctx.endpoint.description} closed`);
        }
      });
      // A halted GDB would not notice a stub that went away until the next request: the connector says so at once.
      c.ctx.endpoint.onLost?.((why) =>
        this.lost(c, `the connection to the GDB server at ${c.ctx.endpoint.description} closed (${why})`),
      );
      this.log.info('connected', {
        request,
        target: c.ctx.endpoint.description,
        patience: describePatience(c.patience),
      });
    };
    run().then(
      () => {
        shown.end();
        this.sendResponse(response);
        this.sendEvent(new InitializedEvent());
      },
      (err: unknown) => {
        shown.end(asDebugError(err).message);
        this.reply(response, err);
        this.sendEvent(new TerminatedEvent());
      },
    );
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.handle(response, (ctx) => ctx.control.run(() => this.startExecution(ctx)));
  }

  /** After configuration (and after a restart): stop at entry, run to main, or let the device run. */
  private async startExecution(ctx: SessionContext): Promise<void> {
    const { args } = ctx;
    if (args.stopOnEntry) {
      const ev = new StoppedEvent('entry', THREAD_ID) as DebugProtocol.StoppedEvent;
      ev.body.description = args.request === 'attach' ? 'attached: the device is halted' : 'halted after reset';
      ev.body.allThreadsStopped = true;
      this.sendEvent(ev);
      return;
    }
    if (args.request === 'launch' && args.runToFunction) {
      try {
        const answer = await ctx.gdb.send(
          breakInsert({ kind: 'function', name: args.runToFunction }, { temporary: true }),
        );
        const n = num(tuple(answer.results, 'bkpt'), 'number');
        if (n !== undefined)
          this.expected = { gdbNumber: n, reason: 'entry', description: `stopped at ${args.runToFunction}` };
      } catch (err) {
        if (!(err instanceof GdbCommandError)) throw err;
        this.output(`cannot stop at ${args.runToFunction} (${err.gdbMessage}); the target runs\n`, 'console');
      }
    }
    await ctx.control.resume(execContinue());
    if (args.request === 'attach' && this.connected) {
      const ms = Math.round(performance.now() - this.connected.haltedAt);
      this.output(`attached to ${ctx.endpoint.description}; the target was halted for ${ms} ms\n`, 'console');
      this.log.info('attach halt', { ms, target: ctx.endpoint.description });
    }
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.handle(response, (ctx, c) =>
      ctx.control.halted(async () => ({ breakpoints: await c.registry.setSource(ctx, args) })),
    );
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    this.handle(response, (ctx, c) =>
      ctx.control.halted(async () => ({ breakpoints: await c.registry.setFunctions(ctx, args.breakpoints) })),
    );
  }

  protected override setInstructionBreakpointsRequest(
    response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments,
  ): void {
    this.handle(response, (ctx, c) =>
      ctx.control.halted(async () => ({ breakpoints: await c.registry.setInstructions(ctx, args.breakpoints) })),
    );
  }

  protected override dataBreakpointInfoRequest(
    response: DebugProtocol.DataBreakpointInfoResponse,
    args: DebugProtocol.DataBreakpointInfoArguments,
  ): void {
    this.handle(response, (ctx, c) => ctx.control.run(() => c.registry.dataInfo(ctx, args)));
  }

  protected override setDataBreakpointsRequest(
    response: DebugProtocol.SetDataBreakpointsResponse,
    args: DebugProtocol.SetDataBreakpointsArguments,
  ): void {
    this.handle(response, (ctx, c) =>
      ctx.control.halted(async () => ({ breakpoints: await c.registry.setData(ctx, args.breakpoints) })),
    );
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.handle(response, (ctx, c) =>
      ctx.control.halted(() => c.registry.setFaultCatch(ctx, args.filters.includes('faults'))),
    );
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const name = this.connected ? `Cortex-M33 (${this.connected.ctx.endpoint.description})` : 'Cortex-M33';
    response.body = { threads: [{ id: THREAD_ID, name }] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    // A second click on Continue finds the target already running: that is what the user wants, not an error.
    this.handle(response, (ctx) =>
      ctx.control.run(async () => {
        if (!ctx.control.running) await ctx.control.resume(execContinue());
        return { allThreadsContinued: true };
      }),
    );
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, 'Stepping over', execNext(THREAD_ID, args.granularity === 'instruction'));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, 'Stepping in', execStep(THREAD_ID, args.granularity === 'instruction'));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.step(response, 'Stepping out', execFinish(THREAD_ID, 0));
  }

  /** Resumes with a step command; the step shows as in progress until its stop is reported, if that takes long. */
  private step(response: DebugProtocol.Response, title: string, command: string): void {
    this.handle(response, (ctx) =>
      ctx.control.stopped(async () => {
        this.endStepping();
        this.stepping = this.progress.after(STEP_PROGRESS_DELAY_MS, title);
        try {
          await ctx.control.resume(command);
        } catch (err) {
          this.endStepping();
          throw err;
        }
      }),
    );
  }

  private endStepping(): void {
    this.stepping?.end();
    this.stepping = undefined;
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.handle(response, (ctx) =>
      ctx.control.run(async () => void (ctx.control.running && (await ctx.gdb.send(execInterrupt())))),
    );
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.handle(response, (ctx) => ctx.control.stopped(() => stackTrace(ctx, args)));
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.handle(response, async (ctx) => ({
      scopes: [...scopes(ctx, args.frameId), ...(await peripheralScopes(ctx))],
    }));
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.handle(response, (ctx) => ctx.control.stopped(async () => ({ variables: await variables(ctx, args) })));
  }

  protected override setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): void {
    this.handle(response, (ctx) => ctx.control.stopped(() => setVariable(ctx, args)));
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    const raw = args.context === 'repl' && rawGdbCommand(args.expression) !== undefined;
    // Raw GDB commands run as typed; expressions on a running target briefly halt it (a live watch).
    this.handle(response, (ctx) =>
      raw ? ctx.control.run(() => evaluate(ctx, args)) : ctx.control.halted(() => evaluate(ctx, args)),
    );
  }

  protected override readMemoryRequest(
    response: DebugProtocol.ReadMemoryResponse,
    args: DebugProtocol.ReadMemoryArguments,
  ): void {
    this.handle(response, (ctx) => ctx.control.halted(() => readMemory(ctx, args)));
  }

  protected override writeMemoryRequest(
    response: DebugProtocol.WriteMemoryResponse,
    args: DebugProtocol.WriteMemoryArguments,
  ): void {
    this.handle(response, (ctx) => ctx.control.halted(() => writeMemory(ctx, args)));
  }

  protected override disassembleRequest(
    response: DebugProtocol.DisassembleResponse,
    args: DebugProtocol.DisassembleArguments,
  ): void {
    this.handle(response, (ctx) => ctx.control.halted(() => disassemble(ctx, args)));
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    this.handle(response, (ctx) => ctx.control.stopped(() => exceptionInfo(ctx)));
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.handle(response, (ctx) =>
      ctx.control.run(async () => {
        const shown = this.progress.after(STEP_PROGRESS_DELAY_MS, 'Restarting');
        try {
          await ctx.control.pauseQuietly();
          shown.update('resetting the core');
          await reset(ctx);
          await ctx.refs.reset(ctx.gdb);
          await this.startExecution(ctx);
        } finally {
          shown.end();
        }
      }),
    );
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    const c = this.connected;
    this.connected = undefined;
    this.endStepping();
    const done = c
      ? c.ctx.control.run(async () => {
          await c.ctx.control.pauseQuietly();
          await teardown(c.ctx.gdb, c.ctx.endpoint, c.trace, true);
        })
      : Promise.resolve();
    done
      .catch((err: unknown) => this.log.warn('disconnect', { error: asDebugError(err).message }))
      .finally(() => {
        this.sendResponse(response);
        this.shutdown();
      });
  }

  /** Ends a session whose GDB or stub went away: one line on the console, then terminated. */
  private lost(c: Connected, why: string): void {
    if (this.connected !== c) return;
    this.connected = undefined;
    this.endStepping();
    this.output(`${why}; the session ends\n`, 'important');
    this.log.warn('session lost', { why });
    teardown(c.ctx.gdb, c.ctx.endpoint, c.trace, false)
      .catch((err: unknown) => this.log.warn('teardown', { error: asDebugError(err).message }))
      .finally(() => this.sendEvent(new TerminatedEvent()));
  }

  /** Runs a handler against the connected session and answers with its body or one error line. */
  private handle<T>(response: DebugProtocol.Response, work: (ctx: SessionContext, c: Connected) => Promise<T>): void {
    const c = this.connected;
    if (!c) {
      this.reply(response, new DebugError(ErrorCode.NotStopped, 'not connected to a target'));
      return;
    }
    work(c.ctx, c).then(
      (body) => {
        if (body !== undefined) response.body = body;
        this.sendResponse(response);
      },
      (err: unknown) => this.reply(response, err),
    );
  }

  private reply(response: DebugProtocol.Response, err: unknown): void {
    const e = asDebugError(err);
    this.log.warn('request failed', { command: response.command, code: e.code, error: e.message });
    // A failed expression is shown where it was asked (hover, Watch, Debug Console): a pop-up for each word the
    // mouse rests on would be noise. Failed actions (step, continue, set a value) are worth a notification.
    const showUser = response.command !== 'evaluate';
    this.sendErrorResponse(response, { id: e.code, format: e.message.replace(/[{}]/g, ''), showUser });
  }

  private fail(err: unknown): void {
    this.output(`${asDebugError(err).message}\n`, 'important');
  }

  private output(text: string, category: OutputCategory = 'console'): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}
