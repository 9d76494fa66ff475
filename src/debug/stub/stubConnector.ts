// How the debugger reaches a GDB stub: the interface the relay tunnel implements, and the choice between providers.
import { DebugError, ErrorCode } from '../errors';

/** Which GDB server answers on the endpoint; decides how a reset is done. */
export type StubKind = 'qemu' | 'openocd' | 'pyocd' | 'jlink' | 'probe-rs' | 'generic';

/**
 * What the session is doing with GDB, for an endpoint that steps next to the stub (the relay tunnel's accelerator):
 * `next` while a source-line step over (`-exec-next`) waits for its stop, `none` otherwise. GDB's remote protocol
 * does not say it (`next` and `step` both send `vCont;r`).
 */
export type StepHint = 'next' | 'none';

/** A GDB remote-serial endpoint GDB can `target extended-remote` to, held open until dispose(). */
export interface StubEndpoint {
  host: string;
  port: number;
  /** The stub behind the endpoint (the relay knows it from the device's backend; sim → 'qemu'). */
  kind: StubKind;
  /** Where this really goes, for messages: "127.0.0.1:3333" or "device sensor-01 via wss://relay". */
  description: string;
  /**
   * Round trip to the device (ms) as the connector measured it while opening (a relay channel's open), when it
   * did: the session sizes its timeouts from it (session/linkPatience.ts). Unset for a local stub.
   */
  linkRttMs?: number;
  /** Closes whatever open() set up (a tunnel, a local listener). Called exactly once. */
  dispose(): Promise<void>;
  /**
   * Calls `listener` once with the reason when the endpoint goes away on its own (the device's channel closed, the
   * relay link dropped). GDB notices a closed stub only when it next talks to it, so an idle, halted session would
   * otherwise wait forever. A listener added after the loss is called at once.
   */
  onLost?(listener: (why: string) => void): void;
  /**
   * Tells the endpoint what GDB's next resumes are for (StepHint): the accelerated tunnel then runs over calls
   * next to the stub during a `next`. Absent for endpoints that gain nothing from it (a direct stub).
   */
  stepHint?(hint: StepHint): void;
}

/** What open() gets besides its request: a line logger for the debug console and cancellation. */
export interface StubOpenContext {
  log(line: string): void;
  signal: AbortSignal;
  /** The launch.json `trace` flag: the tunnel may log RSP traffic too. */
  trace: boolean;
}

/** `gdbTarget: "HOST:PORT"`: a GDB server reachable directly (a local probe, QEMU). */
export interface DirectStubRequest {
  host: string;
  port: number;
  kind?: StubKind;
}

/** `device: NAME`: a device in the fleet, reached through the relay. */
export interface DeviceStubRequest {
  device: string;
  /** launch.json `relay`, when set; otherwise the connector's own default. */
  relay?: string;
  /** launch.json `identityFile`, when set. */
  identityFile?: string;
  kind?: StubKind;
  /** The ELF the session debugs: the tunnel asks the device for what GDB reads of it first (tunnel/attachReads.ts). */
  elf?: string;
}

/** One way of reaching a stub. */
export interface StubConnector<Request> {
  open(request: Request, context: StubOpenContext): Promise<StubEndpoint>;
}

/** The providers a session may use; `device` is plugged in by whoever owns the relay link. */
export interface StubConnectors {
  gdbTarget: StubConnector<DirectStubRequest>;
  device?: StubConnector<DeviceStubRequest>;
}

/** The launch.json attributes that say where the stub is. */
export interface StubTargetArgs {
  device?: string;
  gdbTarget?: string;
  relay?: string;
  identityFile?: string;
  stubKind?: StubKind;
  executable?: string;
}

/** Opens the endpoint the arguments ask for with the matching connector, or throws one clear DebugError. */
export async function openStub(
  args: StubTargetArgs,
  connectors: StubConnectors,
  context: StubOpenContext,
): Promise<StubEndpoint> {
  if (args.gdbTarget !== undefined && args.device !== undefined) {
    throw new DebugError(ErrorCode.BadArguments, 'set either "device" or "gdbTarget" in launch.json, not both');
  }
  if (args.gdbTarget !== undefined) {
    return connectors.gdbTarget.open({ ...parseHostPort(args.gdbTarget), kind: args.stubKind }, context);
  }
  if (args.device !== undefined) {
    if (!connectors.device) {
      throw new DebugError(
        ErrorCode.DeviceNeedsTunnel,
        `cannot reach device "${args.device}": this debug adapter has no relay tunnel; run it from the Outpost extension or \`outpost debug-adapter\`, or use "gdbTarget"`,
      );
    }
    const { device, relay, identityFile, stubKind, executable } = args;
    return connectors.device.open({ device, relay, identityFile, kind: stubKind, elf: executable }, context);
  }
  throw new DebugError(ErrorCode.NoTarget, 'launch.json needs "device" (a fleet device) or "gdbTarget" ("HOST:PORT")');
}

/** Parses "HOST:PORT" or "[v6]:PORT". */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\s*(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+)):(\d{1,5})\s*$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new DebugError(ErrorCode.BadArguments, `gdbTarget "${text}" is not HOST:PORT (e.g. "127.0.0.1:3333")`);
  }
  return { host: m[1] ?? m[2], port };
}
