// Drives sequence-numbered streams both ways over pairs of duplex byte streams at a set pace, and checks what arrives.
import type { Duplex } from 'node:stream';
import { encodeSeqMessage, SeqReceiver, type SeqVerdict } from './seqMessages';

/** What each pair carries, and for how long. */
export interface StreamWorkload {
  /** How long the senders send. */
  seconds: number;
  /** Messages per second each direction of each pair sends (paced, phases staggered). */
  ratePerStream: number;
  /** Every `everyMs`, each sender also writes `bytes` of messages back to back (more than a credit window). */
  burst?: { everyMs: number; bytes: number };
  /** Every `everyMs`, each receiver stops reading for `ms`, so credit runs out and must come back. */
  stall?: { everyMs: number; ms: number };
  /** Longest wait, after the senders stop, for the last messages to arrive. */
  drainMs: number;
}

/** What the streams did. */
export interface StreamRun {
  /** One per stream: pair i carries stream 2i from its first end to its second and 2i + 1 back. */
  verdicts: SeqVerdict[];
  /** One-way latency of every message that arrived intact, ms, ascending. */
  latenciesMs: Float64Array;
  deliveredMessages: number;
  deliveredBytes: number;
  /** Seconds the senders sent. */
  sendSeconds: number;
  /** Milliseconds from the senders' stop until the last message arrived (or drainMs). */
  drainedMs: number;
  /** Errors the streams emitted, one line each. */
  errors: string[];
}

/** The value below which a fraction `q` of the ascending `sorted` values lie. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves on 'drain'; rejects if the stream closes or fails first (a sender must not wait forever). */
function drained(out: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      out.off('drain', onDrain).off('close', onClose).off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('closed while its sender waited for it to drain'));
    out.on('drain', onDrain).on('close', onClose).on('error', done);
  });
}

/** Sends stream `id` on `out` until `endAt`; resolves with how many messages it wrote. */
async function send(
  out: Duplex,
  id: number,
  w: StreamWorkload,
  endAt: number,
  stopped: () => boolean,
): Promise<number> {
  const gapMs = 1000 / w.ratePerStream;
  let seq = 0;
  let nextAt = performance.now() + Math.random() * gapMs;
  let burstAt = w.burst ? performance.now() + Math.random() * w.burst.everyMs : Infinity;
  while (!stopped()) {
    const now = performance.now();
    if (now >= endAt) break;
    if (now >= burstAt && w.burst) {
      burstAt += w.burst.everyMs;
      for (let bytes = 0; bytes < w.burst.bytes;) {
        const msg = encodeSeqMessage(id, seq++, performance.now());
        bytes += msg.length;
        out.write(msg);
      }
    }
    if (now < nextAt) {
      await sleep(Math.min(nextAt, burstAt, endAt) - now);
      continue;
    }
    nextAt += gapMs;
    if (!out.write(encodeSeqMessage(id, seq++, performance.now()))) await drained(out);
  }
  return seq;
}

function receive(input: Duplex, rx: SeqReceiver, w: StreamWorkload, stopped: () => boolean): void {
  input.on('data', (chunk: Buffer) => rx.push(chunk));
  if (!w.stall) return;
  const { everyMs, ms } = w.stall;
  const stall = (): void => {
    if (stopped()) return;
    input.pause();
    setTimeout(() => {
      input.resume();
      setTimeout(stall, everyMs - ms);
    }, ms);
  };
  setTimeout(stall, Math.random() * everyMs);
}

/**
 * Runs `workload` over every pair both ways and verifies every stream. The caller opened the pairs and closes them
 * afterwards; an error on any stream is recorded (and ends that stream's wait), not thrown.
 */
export async function pumpStreams(
  pairs: [Duplex, Duplex][],
  workload: StreamWorkload,
  log: (line: string) => void = () => undefined,
): Promise<StreamRun> {
  const errors: string[] = [];
  let sending = true;
  const receivers: SeqReceiver[] = [];
  const sends: Promise<number>[] = [];
  const started = performance.now();
  const endAt = started + workload.seconds * 1000;
  pairs.forEach(([a, b], i) => {
    for (const [end, name] of [
      [a, `pair ${i} first end`],
      [b, `pair ${i} second end`],
    ] as const) {
      end.on('error', (err: Error) => errors.push(`${name}: ${err.message}`));
      end.on('close', () => {
        if (sending) errors.push(`${name} closed while the streams ran`);
      });
    }
    for (const [out, input, id] of [
      [a, b, 2 * i],
      [b, a, 2 * i + 1],
    ] as const) {
      const rx = new SeqReceiver(id);
      receivers.push(rx);
      receive(input, rx, workload, () => !sending);
      sends.push(
        send(out, id, workload, endAt, () => errors.length > 0).catch((err: unknown) => {
          errors.push(`stream ${id}: ${(err as Error).message}`);
          return 0;
        }),
      );
    }
  });
  const progress = setInterval(() => {
    const n = receivers.reduce((sum, rx) => sum + rx.received, 0);
    log(`${((performance.now() - started) / 1000).toFixed(0)} s: ${n} messages received, ${errors.length} errors`);
  }, 10_000);
  const sent = await Promise.all(sends);
  clearInterval(progress);
  sending = false;
  const stoppedAt = performance.now();
  for (const input of pairs.flat()) input.resume();
  while (
    performance.now() - stoppedAt < workload.drainMs &&
    errors.length === 0 &&
    receivers.some((rx, i) => !rx.complete(sent[i]))
  )
    await sleep(20);
  const drainedMs = performance.now() - stoppedAt;
  const all = new Float64Array(receivers.reduce((n, rx) => n + rx.latenciesMs.length, 0));
  let at = 0;
  for (const rx of receivers) {
    all.set(rx.latenciesMs, at);
    at += rx.latenciesMs.length;
  }
  all.sort();
  return {
    verdicts: receivers.map((rx, i) => rx.verdict(sent[i])),
    latenciesMs: all,
    deliveredMessages: receivers.reduce((n, rx) => n + rx.received, 0),
    deliveredBytes: receivers.reduce((n, rx) => n + rx.bytes, 0),
    sendSeconds: (stoppedAt - started) / 1000,
    drainedMs,
    errors,
  };
}
