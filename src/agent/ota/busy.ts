// Busy deferral: the firmware says (console `get busy`) whether now is a bad time to reboot it; the update waits.

/** Asks the firmware whether it is busy. Rejects when it cannot tell (no console, no such variable). */
export type BusyProbe = () => Promise<boolean>;

/** Runs one console command on the firmware and resolves its output (the agent's console exec client). */
export type ConsoleExec = (command: string) => Promise<string>;

/**
 * Reads the answer to `get busy`: the example firmware prints `busy N`, busy when N > 0. Also takes
 * `busy=1`, `busy: yes`, `true`/`false`, `idle`. Undefined when the text says neither.
 */
export function parseBusyReply(text: string): boolean | undefined {
  const m =
    /\bbusy\b\s*[=:]?\s*(-?\d+|true|false|yes|no)\b/i.exec(text) ??
    /^\s*(-?\d+|true|false|yes|no|idle|busy)\s*$/im.exec(text);
  if (!m) return undefined;
  const v = m[1].toLowerCase();
  if (/^-?\d+$/.test(v)) return Number(v) > 0;
  return v === 'true' || v === 'yes' || v === 'busy';
}

/** A probe that asks the firmware's console `get busy`. */
export function consoleBusyProbe(exec: ConsoleExec): BusyProbe {
  return async () => {
    const reply = await exec('get busy');
    const busy = parseBusyReply(reply);
    if (busy === undefined) throw new Error(`unexpected answer to 'get busy': ${reply.trim().slice(0, 80)}`);
    return busy;
  };
}

/** Options for waitWhileBusy. */
export interface BusyWait {
  pollMs: number;
  /** Called once each time the firmware is found busy (the update reports `deferred`). */
  onBusy: (reason: string) => void;
  /** Called when the probe fails; the update then proceeds (a firmware that cannot answer is not protecting anything). */
  onProbeError: (err: Error) => void;
  signal?: AbortSignal;
}

/** Resolves once the firmware is not busy (or cannot say). Rejects with the abort reason when `signal` aborts. */
export async function waitWhileBusy(probe: BusyProbe, opts: BusyWait): Promise<void> {
  let reported = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    let busy: boolean;
    try {
      busy = await probe();
    } catch (err) {
      opts.onProbeError(err as Error);
      return;
    }
    if (!busy) return;
    if (!reported) opts.onBusy('the firmware reports busy; the update waits until it is idle');
    reported = true;
    await sleep(opts.pollMs, opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
