// The operator side's offer of accelerated mode on a fresh rsp channel, and how it tells an old agent from a new one.
import type { Duplex } from 'node:stream';
import { ACCEL_HELLO, ACCEL_OK, encodeOffer, type AccelMessage } from '../../protocol/rspAccel';
import { encodePacket, RspParser } from '../rsp/packet';

/** How long to wait for the agent's (or an old agent's stub's) answer before carrying bytes as they are. */
export const NEGOTIATE_TIMEOUT_MS = 20_000;

/** How long an offer may go unacknowledged before it is sent again (well above a cellular round trip). */
export const RESEND_MS = 3000;

/** The outcome: accelerated (the agent said OK) or plain; `rest` = bytes after the answer, in the channel's order. */
export interface Negotiated {
  accelerated: boolean;
  rest: Buffer;
}

/** A stop reply: QEMU reports the halt a new connection causes (T02) before it answers anything. */
const STOP_NOTICE = /^[TS][0-9a-fA-F]{2}($|[^0-9a-fA-F])/;

/** What the bytes read so far say: the answer (and the bytes around it) once it is complete. Pure. */
export function readAnswer(bytes: Buffer): {
  /** The stub acknowledged the offer (`+`): its answer follows. */
  acked: boolean;
  answer?: { payload: string; notices: Buffer; rest: Buffer };
} {
  let offset = 0;
  let acked = false;
  const notices: Buffer[] = [];
  for (const event of new RspParser().push(bytes)) {
    offset += event.raw.length;
    if (event.type === 'ack') acked = true;
    if (event.type !== 'packet') continue;
    if (STOP_NOTICE.test(event.payload)) notices.push(event.raw);
    else
      return {
        acked,
        answer: { payload: event.payload, notices: Buffer.concat(notices), rest: bytes.subarray(offset) },
      };
  }
  return { acked };
}

/**
 * Sends the offer and reads the answer. With `hello`, the version-2 offer carries it (`$qOutpost.accel:2:HEX#..`): a
 * current agent answers OK and sends the bundle at once, one round trip instead of two; without, `$qOutpost.accel:1`.
 * The answer: `OK` from a new agent; from an old agent the stub's empty
 * reply (acknowledged here in ack mode so the stub's stream stays consistent). A stop notice the stub sent first
 * goes on to GDB with the bytes after the answer, as it would have without the offer. QEMU drops bytes that race
 * its halt on a new connection: an offer nobody acknowledged is sent again. The channel is left paused with no
 * listener; resume it after attaching the next reader.
 */
export function negotiateAccel(
  channel: Duplex,
  hello?: Extract<AccelMessage, { t: 'hello' }>,
  timeoutMs = NEGOTIATE_TIMEOUT_MS,
): Promise<Negotiated> {
  const offer = encodePacket(hello ? encodeOffer(hello) : ACCEL_HELLO);
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    let acked = false;
    const done = (result: Negotiated | Error): void => {
      clearTimeout(timer);
      clearInterval(resend);
      channel.off('data', onData);
      channel.off('close', onClose);
      channel.pause();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const read = readAnswer(seen);
      acked ||= read.acked;
      if (!read.answer) return;
      const accelerated = read.answer.payload === ACCEL_OK;
      if (!accelerated) channel.write('+');
      done({ accelerated, rest: Buffer.concat([read.answer.notices, read.answer.rest]) });
    };
    const onClose = (): void => done(new Error('the rsp channel closed during negotiation'));
    const timer = setTimeout(() => done({ accelerated: false, rest: seen }), timeoutMs);
    const resend = setInterval(() => {
      if (!acked) channel.write(offer);
    }, RESEND_MS);
    channel.on('data', onData);
    channel.once('close', onClose);
    channel.write(offer);
  });
}
