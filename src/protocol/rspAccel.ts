// The accelerated rsp channel's wire format (pure): the negotiation packet and the length-prefixed messages after it.

/** The plain RSP packet payload the operator side sends first on a new rsp channel to ask for accelerated mode. */
export const ACCEL_HELLO = 'qOutpost.accel:1';
/** The agent's answer when it speaks accelerated mode (an old agent's stub answers the empty packet instead). */
export const ACCEL_OK = 'OK';
/**
 * Version 2 of the offer carries the first message: `qOutpost.accel:2:` + the `hello` message's JSON as hex. An
 * agent that speaks it answers OK and sends the bundle without waiting for another round trip; an older one (or a
 * stub behind a byte pipe) sees an unknown query and the stub answers the empty packet.
 */
export const ACCEL_HELLO_V2 = 'qOutpost.accel:2:';

/** Memory the agent read for the operator side's cache: [address, bytes as hex]. */
export type MemoryBlock = readonly [number, string];
/** A pure query and its exact reply payload. */
export type QueryAnswer = readonly [string, string];

/** What the agent pushes with a reply so the operator side answers GDB's next reads itself. */
export interface Prefetch {
  /** Answers keyed by the exact packet text (`g`, `qfThreadInfo`, …): valid until the next resume or write. */
  q: QueryAnswer[];
  /** RAM/flash blocks (never peripherals): valid until the next resume or write. */
  mem: MemoryBlock[];
}

/** A memory range [address, length] the operator side wants in the bundle (known from the ELF, e.g. the build id). */
export type MemoryRange = readonly [number, number];

/** GDB's thread selection and extended mode, which the operator side keeps and the agent applies before a request. */
export interface RequestContext {
  /** Last `Hg` thread id GDB selected (undefined: none yet). */
  g?: string;
  /** Last `Hc` thread id. */
  c?: string;
  /** GDB sent `!`. */
  extended?: boolean;
}

/** The messages after negotiation. */
export type AccelMessage =
  /**
   * Operator → agent, first: GDB's qSupported payload (when GDB sent it already), to run the handshake with, and
   * memory GDB reads right after connecting (`reads`, at most MAX_HELLO_READS), read into the bundle's prefetch.
   */
  | { t: 'hello'; qSupported?: string; reads?: MemoryRange[] }
  /**
   * Agent → operator: the connection-setup answers, whole target documents and the current stop's prefetch.
   * `bpSure`: the stub cannot fail to insert or remove a software breakpoint (QEMU's gdbstub), so the operator side
   * may answer Z0/z0 itself and send them on as `early` requests (earlyFailureReply).
   */
  | { t: 'bundle'; q: QueryAnswer[]; docs: QueryAnswer[]; pre: Prefetch; bpSure?: true }
  /**
   * Operator → agent: one RSP payload to execute against the stub, in order. `calls: 'over'` on a range step
   * (`vCont;r`) says GDB is doing a `next`: the agent runs over calls itself (other values are ignored). `more`
   * (with `calls: 'over'`): the line-table pieces GDB would range-step next, in order, each starting where the
   * previous ends; the agent goes on into the first when the PC falls through to its start (at most MAX_PIECES).
   * `early`: a software breakpoint (Z0/z0) GDB already got `OK` for (pipelined: earlyFailureReply).
   */
  | { t: 'req'; p: string; ctx: RequestContext; calls?: string; more?: MemoryRange[]; early?: true }
  /** Operator → agent: GDB's Ctrl-C (0x03). */
  | { t: 'int' }
  /** Agent → operator: the stub's packets for the oldest request (console output first, the reply last). */
  | { t: 'rep'; p: string[]; pre?: Prefetch };

/**
 * Pipelined breakpoints, the rule: only Z0/z0, only when the bundle said `bpSure`. The operator side answers GDB
 * `OK` at once and sends the packet as a `req` with `early: true`, in order ahead of whatever GDB sends next; the
 * agent runs it in that order and answers with a `rep` the operator side does not pass to GDB. Should the stub
 * refuse it after all, the agent logs a warning and answers the next request that lets the target run with this
 * `E.` reply instead of running it: GDB prints `Remote failure reply: E.…` and reports the target stopped.
 */
export function earlyFailureReply(packet: string, reply: string): string {
  const m = /^([Zz])0,([0-9a-fA-F]+),/.exec(packet);
  const what = m ? `${m[1] === 'Z' ? 'inserting' : 'removing'} the breakpoint at 0x${m[2]}` : packet;
  const why = reply === '' ? 'not supported' : reply.replace(/[$#}*]/g, '?');
  return `E.${what} failed at the stub (${why}); the target did not run and breakpoints may differ from what GDB shows`;
}

/** A message that cannot be decoded: the channel is no longer usable. */
export class AccelFormatError extends Error {}

/** Ranges a hello may ask for (each is read as at most one window of the agent's read size). */
export const MAX_HELLO_READS = 4;

/** Line-table pieces a range step may carry in `more`. */
export const MAX_PIECES = 16;

/** Longest message accepted (a bundle with target descriptions is tens of KiB). */
export const MAX_MESSAGE = 4 * 1024 * 1024;

/** One message: a 4-byte big-endian length, then the JSON text (RSP payloads are latin1 strings, kept as such). */
export function encodeAccel(message: AccelMessage): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

const isStr = (x: unknown): x is string => typeof x === 'string';
const isPairs = (x: unknown): boolean =>
  Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && isStr(p[0]) && isStr(p[1]));
const isMem = (x: unknown): boolean =>
  Array.isArray(x) &&
  x.every(
    (p) =>
      Array.isArray(p) && p.length === 2 && Number.isSafeInteger(p[0]) && isStr(p[1]) && /^([0-9a-f]{2})*$/.test(p[1]),
  );
const isRanges = (x: unknown, max = MAX_HELLO_READS): boolean =>
  Array.isArray(x) &&
  x.length <= max &&
  x.every((r) => Array.isArray(r) && r.length === 2 && r.every((n) => Number.isSafeInteger(n) && n >= 0));
const isPre = (x: unknown): boolean => {
  const p = x as Prefetch;
  return typeof x === 'object' && x !== null && isPairs(p.q) && isMem(p.mem);
};

/** Checks a decoded value's shape; throws AccelFormatError for anything else. */
export function validateAccel(value: unknown): AccelMessage {
  const m = value as Record<string, unknown>;
  const ok = (() => {
    if (typeof value !== 'object' || value === null) return false;
    switch (m.t) {
      case 'hello':
        return (m.qSupported === undefined || isStr(m.qSupported)) && (m.reads === undefined || isRanges(m.reads));
      case 'bundle':
        return isPairs(m.q) && isPairs(m.docs) && isPre(m.pre) && (m.bpSure === undefined || m.bpSure === true);
      case 'req': {
        const ctx = m.ctx as RequestContext;
        return (
          isStr(m.p) &&
          typeof ctx === 'object' &&
          ctx !== null &&
          (m.calls === undefined || isStr(m.calls)) &&
          (m.more === undefined || isRanges(m.more, MAX_PIECES)) &&
          (m.early === undefined || m.early === true)
        );
      }
      case 'int':
        return true;
      case 'rep':
        return Array.isArray(m.p) && m.p.every(isStr) && (m.pre === undefined || isPre(m.pre));
      default:
        return false;
    }
  })();
  if (!ok) throw new AccelFormatError(`malformed accelerated rsp message (${String(m?.t)})`);
  return value as AccelMessage;
}

/** Splits a byte stream into messages; keeps a partial one for the next push. Throws AccelFormatError. */
export class AccelDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): AccelMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: AccelMessage[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length > MAX_MESSAGE) throw new AccelFormatError(`accelerated rsp message of ${length} bytes is too long`);
      if (this.buffer.length < 4 + length) break;
      const text = this.buffer.subarray(4, 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(4 + length);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new AccelFormatError('accelerated rsp message is not JSON');
      }
      out.push(validateAccel(value));
    }
    return out;
  }
}

/** The switch for both ends: `OUTPOST_RSP_ACCEL=0` keeps the rsp channel a plain byte pipe (today's behaviour). */
export const ACCEL_ENV = 'OUTPOST_RSP_ACCEL';

/** Whether this process offers (operator) or accepts (agent) accelerated mode. */
export function accelEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ACCEL_ENV] !== '0';
}

/** The payload of a version-2 offer: the hello message inside an RSP query any stub would answer empty. */
export function encodeOffer(hello: Extract<AccelMessage, { t: 'hello' }>): string {
  return ACCEL_HELLO_V2 + Buffer.from(JSON.stringify(hello), 'utf8').toString('hex');
}

/** The hello inside a version-2 offer's payload; undefined when it is not one or is malformed. */
export function decodeOffer(payload: string): Extract<AccelMessage, { t: 'hello' }> | undefined {
  if (!payload.startsWith(ACCEL_HELLO_V2)) return undefined;
  const hex = payload.slice(ACCEL_HELLO_V2.length);
  if (!/^([0-9a-f]{2})*$/.test(hex)) return undefined;
  try {
    const message = validateAccel(JSON.parse(Buffer.from(hex, 'hex').toString('utf8')));
    return message.t === 'hello' ? message : undefined;
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof AccelFormatError) return undefined;
    throw err;
  }
}
