// Attach and launch: start GDB, reach the stub, check or flash the ELF, reset; and the matching teardown.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseElf, type ElfImage } from '../../platformio/elf';
import { FirmwareError } from '../../platformio/firmwareErrors';
import { DebugError, ErrorCode } from '../errors';
import { findGdb } from '../gdb/gdbDiscovery';
import { GdbCommandError, GdbProcess } from '../gdb/gdbProcess';
import {
  consoleCommand,
  fileExecAndSymbols,
  gdbSet,
  targetDetach,
  targetDownload,
  targetSelectRemote,
} from '../mi/commands/session';
import { resetCommandsFor } from '../stub/resetCommands';
import { openStub, type StubConnectors, type StubEndpoint, type StubKind } from '../stub/stubConnector';
import { BreakpointRegistry } from './breakpoints';
import type { OutputCategory, SessionContext } from './context';
import { checkExecutableMatches } from './elfCheck';
import type { OutpostDebugArgs } from './launchArgs';
import { References } from './references';
import { TargetControl } from './targetControl';
import { GDB_SESSION_SETTINGS, tuneForLink } from './linkTuning';
import { describePatience, linkPatience, type LinkPatience } from './linkPatience';
import { FlashProgress, loadableBytes } from './flashProgress';
import { mapSources } from './sourceMap';
import { openMiTrace, type MiTrace } from './trace';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** What a session needs from its host: how to reach stubs, the `outpost.gdbPath` setting. */
export interface SessionDeps {
  connectors: StubConnectors;
  settingGdbPath?: string;
}

/** A connected session: the context plus what teardown needs. */
export interface Connected {
  ctx: SessionContext;
  registry: BreakpointRegistry;
  trace: MiTrace;
  /** When the target was halted by connecting (performance.now()). */
  haltedAt: number;
  /** How long this session waits on GDB and the stub, from the link's measured round trip. */
  patience: LinkPatience;
}

/** Connects per the arguments; on any failure everything started is stopped again and one DebugError is thrown. */
export async function connect(
  deps: SessionDeps,
  args: OutpostDebugArgs,
  io: {
    sendEvent(e: DebugProtocol.Event): void;
    output(text: string, category?: OutputCategory): void;
    /** The phase the start-up is in, for a progress indicator (a slow link makes each one take seconds). */
    progress?(message: string, percentage?: number): void;
  },
  onStopHandlerError: (err: unknown) => void,
): Promise<Connected> {
  if (!existsSync(args.executable)) {
    throw new DebugError(
      ErrorCode.ExecutableMissing,
      `executable ${args.executable} does not exist: build the firmware first`,
    );
  }
  const gdbChoice = findGdb({ launchGdbPath: args.gdbPath, settingGdbPath: deps.settingGdbPath });
  const trace = openMiTrace(args, io.output);
  let gdb: GdbProcess | undefined;
  let endpoint: StubEndpoint | undefined;
  let attached = false;
  let lost: string | undefined;
  const abort = new AbortController();
  try {
    gdb = await GdbProcess.start({
      gdbPath: gdbChoice.path,
      cwd: args.cwd,
      timeoutMs: args.gdbTimeoutMs,
      trace: trace.sink,
    });
    const g = gdb;
    for (const [name, value] of [
      ...GDB_SESSION_SETTINGS,
      ['remote hardware-watchpoint-limit', String(args.hardwareWatchpointLimit)],
    ]) {
      await g.send(gdbSet(name, value));
    }
    await g.send(fileExecAndSymbols(args.executable)).catch((err: unknown) => {
      throw new DebugError(ErrorCode.ExecutableMismatch, `GDB cannot use ${args.executable}: ${errorText(err)}`);
    });
    await mapSources(g, args, (text) => io.output(text, 'console'));
    io.progress?.(args.device !== undefined ? `reaching ${args.device} through the relay` : 'reaching the GDB server');
    endpoint = await openStub(args, deps.connectors, {
      log: (line) => io.output(line + '\n', 'console'),
      signal: abort.signal,
      trace: args.trace,
    });
    const ep = endpoint;
    // The reason beats GDB's own words ("Remote connection closed") if the link drops while starting up.
    ep.onLost?.((why) => (lost ??= `the connection to the GDB server at ${ep.description} closed (${why})`));
    // A launch that could not reset after flashing would leave the device half-done: refuse before touching it.
    if (args.request === 'launch') resetPlan(ep.kind, ep.description, args);
    const patience = await applyPatience(g, linkPatience(ep.linkRttMs, args.gdbTimeoutMs), trace);
    // Everything that scales from the per-command timeout (console commands, detach) scales with the link too.
    const sessionArgs: OutpostDebugArgs = { ...args, gdbTimeoutMs: patience.commandMs };
    const rtt = patience.rttMs === undefined ? '' : ` (link round trip ${patience.rttMs} ms)`;
    io.progress?.(`connecting GDB to ${ep.description}${rtt}`);
    const haltedAt = performance.now();
    await g.send(targetSelectRemote(ep.host, ep.port), { timeoutMs: patience.connectMs }).catch((err: unknown) => {
      throw new DebugError(
        ErrorCode.StubUnreachable,
        `cannot reach the GDB server at ${ep.description}: ${errorText(err)}`,
      );
    });
    attached = true;
    const control = new TargetControl(g, patience.haltMs, onStopHandlerError, (hint) => ep.stepHint?.(hint));
    const ctx: SessionContext = { gdb: g, control, args: sessionArgs, endpoint: ep, refs: new References(), ...io };
    const registry = new BreakpointRegistry();
    io.progress?.(args.request === 'attach' ? 'checking the firmware on the target' : `flashing ${args.executable}`);
    if (args.request === 'attach') await checkExecutableMatches(ctx, args.executable);
    for (const cmd of args.initCommands) await g.send(consoleCommand(cmd));
    if (args.request === 'launch') {
      io.output(`loading ${args.executable} through ${ep.description}\n`, 'console');
      const image = readElf(args.executable);
      const flash = new FlashProgress(image && loadableBytes(image));
      g.onAsync((r) => {
        if (r.kind !== 'status' || r.cls !== 'download') return;
        const status = flash.feed(r.results);
        if (status) io.progress?.(status.message, status.percentage);
      });
      await g.send(targetDownload(), { timeoutMs: patience.loadMs }).catch((err: unknown) => {
        throw new DebugError(ErrorCode.LoadFailed, `loading ${args.executable} failed: ${errorText(err)}`);
      });
      io.progress?.('resetting the target');
      await reset(ctx);
    }
    // Only now is the ELF known to be what the target runs (checked, or just flashed).
    io.progress?.('setting breakpoints up');
    await tuneForLink(g);
    await registry.setFaultCatch(ctx, args.catchFaults);
    return { ctx, registry, trace, haltedAt, patience };
  } catch (err) {
    await teardown(gdb, endpoint, trace, attached);
    // GDB dying closes the tunnel too: then GDB's exit is the news, not the channel it took down with it.
    const gdbDied = err instanceof DebugError && err.code === ErrorCode.GdbExited;
    throw lost === undefined || gdbDied ? err : new DebugError(ErrorCode.StubUnreachable, lost);
  }
}

/**
 * Sets GDB's wait for one RSP reply and the adapter's per-command timeout for the link, before GDB connects, and
 * notes them in the MI trace: on a slow link every exchange is slow, and a wait sized for a local probe would end a
 * working session with a timeout.
 */
async function applyPatience(gdb: GdbProcess, patience: LinkPatience, trace: MiTrace): Promise<LinkPatience> {
  trace.sink?.('#', describePatience(patience));
  await gdb.send(gdbSet('remotetimeout', String(patience.remoteTimeoutS)));
  gdb.setDefaultTimeout(patience.commandMs);
  return patience;
}

/** The commands that reset the target behind an endpoint, or one DebugError saying what to configure. */
export function resetPlan(kind: StubKind, description: string, args: OutpostDebugArgs): string[] {
  const commands = resetCommandsFor(kind, args.resetCommands, () => readElf(args.executable));
  if (commands) return commands;
  throw new DebugError(
    ErrorCode.ResetUnsupported,
    `don't know how to reset the target behind ${description}: set "stubKind" (qemu, openocd, pyocd, jlink, probe-rs) or "resetCommands" in launch.json`,
  );
}

/** Resets the target through the stub (per stub kind, or launch.json `resetCommands`); it stays halted. */
export async function reset(ctx: SessionContext): Promise<void> {
  for (const cmd of resetPlan(ctx.endpoint.kind, ctx.endpoint.description, ctx.args))
    await ctx.gdb.send(consoleCommand(cmd));
  // The stub reset the core behind GDB's back: registers, frames and cached memory GDB holds are stale.
  await ctx.gdb.send(consoleCommand('maintenance flush register-cache'));
  await ctx.gdb.send(consoleCommand('maintenance flush dcache'));
}

/** Detaches (the device runs on), ends GDB and closes the stub endpoint and the trace; never throws. */
export async function teardown(
  gdb: GdbProcess | undefined,
  endpoint: StubEndpoint | undefined,
  trace: MiTrace,
  attached: boolean,
): Promise<void> {
  if (gdb?.running && attached) {
    // A detach that fails leaves nothing to undo: GDB exits next and the stub drops the connection.
    await gdb.send(targetDetach()).catch((err: unknown) => err);
  }
  await gdb?.exit();
  // A tunnel that fails to close has nothing left to tell the user; the session is over either way.
  await endpoint?.dispose().catch((err: unknown) => err);
  await trace.close();
}

function readElf(path: string): ElfImage | undefined {
  try {
    return parseElf(new Uint8Array(readFileSync(path)), path);
  } catch (err) {
    if (err instanceof FirmwareError || (err as NodeJS.ErrnoException).code) return undefined;
    throw err;
  }
}

function errorText(err: unknown): string {
  if (err instanceof GdbCommandError) return err.gdbMessage;
  return err instanceof Error ? err.message : String(err);
}
