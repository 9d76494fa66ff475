// The operator side's offer of accelerated mode on a fresh rsp channel, and how it tells an old agent from a new one.
import type { Duplex } from 'node:stream';
import { ACCEL_HELLO, ACCEL_OK } from '../../protocol/rspAccel';
import { encodePacket } from '../rsp/packet';

/** How long to wait for the agent's (or an old agent's stub's) answer before carrying bytes as they are. */
export const NEGOTIATE_TIMEOUT_MS = 20_000;

/** The outcome: accelerated (the agent said OK) or plain; `rest` = bytes after the answer, in the channel's order. */
export interface Negotiated {
  accelerated: boolean;
  rest: Buffer;
}

/**
 * The first complete packet in `bytes` (acks before it skipped) and where it ends; undefined while incomplete.
 * Pure, for the negotiation answer.
 */
export function firstPacket(bytes: Buffer): { payload: string; end: number } | undefined {
  const start = bytes.indexOf(0x24);
  if (start < 0) return undefined;
  const hash = bytes.indexOf(0x23, start);
  if (hash < 0 || hash + 2 >= bytes.length) return undefined;
  return { payload: bytes.subarray(start + 1, hash).toString('latin1'), end: hash + 3 };
}

/**
 * Sends `$qOutpost.accel:1#cs` and reads the answer: `OK` from a new agent; from an old agent the stub's empty
 * reply (acknowledged here in ack mode so the stub's stream stays consistent). The channel is left paused with
 * no listener; resume it after attaching the next reader.
 */
export function negotiateAccel(channel: Duplex, timeoutMs = NEGOTIATE_TIMEOUT_MS): Promise<Negotiated> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const done = (result: Negotiated | Error): void => {
      clearTimeout(timer);
      channel.off('data', onData);
      channel.off('close', onClose);
      channel.pause();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const answer = firstPacket(seen);
      if (!answer) return;
      const accelerated = answer.payload === ACCEL_OK;
      if (!accelerated) channel.write('+');
      done({ accelerated, rest: seen.subarray(answer.end) });
    };
    const onClose = (): void => done(new Error('the rsp channel closed during negotiation'));
    const timer = setTimeout(() => done({ accelerated: false, rest: seen }), timeoutMs);
    channel.on('data', onData);
    channel.once('close', onClose);
    channel.write(encodePacket(ACCEL_HELLO));
  });
}
