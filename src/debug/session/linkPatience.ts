// How long the debug path waits, from the measured round-trip time to the device: a slow link is slow, not an error.

/**
 * Every wait on the debug path. GDB talks to the stub stop-and-wait, so one MI command costs as many round trips as
 * RSP packets it needs (connecting: ~35 on a Cortex-M; a stack trace or a page of variables: up to ~20).
 */
export interface LinkPatience {
  /** The measured round trip (ms) the values come from; undefined when none was measured (a local stub). */
  readonly rttMs: number | undefined;
  /** GDB `set remotetimeout` (whole seconds): how long GDB waits for one RSP reply before giving up on the stub. */
  readonly remoteTimeoutS: number;
  /** Default per-MI-command timeout of the adapter (stack traces, variables, memory, breakpoints). */
  readonly commandMs: number;
  /** `-target-select`: the RSP handshake, registers and the first frame. */
  readonly connectMs: number;
  /** An interrupt until the target reports the halt (attach, pause, a request that needs a halted core). */
  readonly haltMs: number;
  /** `-target-download` (launch's flash). */
  readonly loadMs: number;
}

/** Today's fixed values: what a local stub (or an unmeasured link) gets, and never less. */
export const LOCAL_PATIENCE = {
  remoteTimeoutS: 10,
  commandMs: 10_000,
  connectFactor: 3,
  loadFactor: 30,
} as const;

/** Round trips one MI command may take beyond the floor (about 3x the most seen: the connect's ~35 / 3, paging). */
const COMMAND_ROUND_TRIPS = 40;
/** No wait grows past these: a link this slow is down, and the user should hear so within minutes. */
const MAX_COMMAND_MS = 5 * 60_000;
const MAX_REMOTE_TIMEOUT_S = MAX_COMMAND_MS / 1000;
/** Round trips above this are treated as this (a stuck measurement must not make every wait endless). */
const MAX_RTT_MS = 10_000;

/**
 * The waits for a link with round trip `rttMs` (undefined or ≤ 0: a local stub). `commandFloorMs` is the
 * configured per-command timeout (launch.json `gdbTimeoutMs`, default 10 s); every wait is at least what it is
 * today and grows by a number of round trips, up to a ceiling.
 */
export function linkPatience(
  rttMs: number | undefined,
  commandFloorMs: number = LOCAL_PATIENCE.commandMs,
): LinkPatience {
  const rtt = rttMs !== undefined && Number.isFinite(rttMs) && rttMs > 0 ? Math.min(rttMs, MAX_RTT_MS) : 0;
  const commandMs = Math.max(Math.min(commandFloorMs + COMMAND_ROUND_TRIPS * rtt, MAX_COMMAND_MS), commandFloorMs);
  // Over a link, GDB's own timeout only hurts: the tunnel is TCP, so a reply is late (retransmissions on a lossy
  // cellular link back off to seconds), never lost, and GDB's resend after its timeout brings a second reply that
  // puts it out of step with the stub ("Malformed response …"). GDB waits as long as the adapter does for a whole
  // command, which ends the session with one line when the link is really gone.
  const remoteTimeoutS = rtt > 0 ? Math.ceil(commandMs / 1000) : LOCAL_PATIENCE.remoteTimeoutS;
  return {
    rttMs: rtt > 0 ? Math.round(rtt) : undefined,
    remoteTimeoutS: Math.min(Math.max(remoteTimeoutS, LOCAL_PATIENCE.remoteTimeoutS), MAX_REMOTE_TIMEOUT_S),
    commandMs: Math.round(commandMs),
    connectMs: Math.round(LOCAL_PATIENCE.connectFactor * commandMs),
    haltMs: Math.round(commandMs),
    loadMs: Math.round(LOCAL_PATIENCE.loadFactor * commandMs),
  };
}

/** One line for the trace and the log: what the waits are and why. */
export function describePatience(p: LinkPatience): string {
  const s = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
  const link = p.rttMs === undefined ? 'no link round trip measured' : `link round trip ${p.rttMs} ms`;
  return (
    `${link}: GDB remotetimeout ${p.remoteTimeoutS} s, per command ${s(p.commandMs)}, ` +
    `connect ${s(p.connectMs)}, halt ${s(p.haltMs)}, load ${s(p.loadMs)}`
  );
}

/** Round trips from which a GDB left at its own 2 s `remotetimeout` is at risk on a lossy link (TCP backs off). */
const ADVISE_FROM_RTT_MS = 50;

/**
 * For a GDB Outpost does not drive (`outpost tunnel`): the `remotetimeout` to set on a link this slow, as the debug
 * session sets it; undefined on a fast link, where GDB's default does no harm.
 */
export function remoteTimeoutAdvice(rttMs: number): number | undefined {
  return rttMs >= ADVISE_FROM_RTT_MS ? linkPatience(rttMs).remoteTimeoutS : undefined;
}
