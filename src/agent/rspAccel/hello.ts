// Recognises the operator side's offer of accelerated mode in the first bytes of an rsp channel (pure).
import { encodePacket } from '../../debug/rsp/packet';
import { ACCEL_HELLO, ACCEL_HELLO_V2, ACCEL_OK, decodeOffer, type AccelMessage } from '../../protocol/rspAccel';

const HELLO = encodePacket(ACCEL_HELLO);
const V2_HEAD = Buffer.from('$' + ACCEL_HELLO_V2, 'latin1');
/** A version-2 offer is one small query; anything longer is not one. */
const MAX_OFFER = 4096;

/** The agent's answer to the offer (an ack and `$OK#9a`, as a stub would answer). */
export const HELLO_ANSWER = Buffer.concat([Buffer.from('+'), encodePacket(ACCEL_OK)]);

/** What the first bytes of a channel are. */
export type HelloState =
  /** The offer; `first`: the hello a version-2 offer carries (the bundle is due without another message). */
  | { state: 'hello'; rest: Buffer; first?: Extract<AccelMessage, { t: 'hello' }> }
  /** Anything else (an old operator, GDB's own bytes): the channel is a byte pipe. */
  | { state: 'plain' }
  /** Too few bytes to tell yet. */
  | { state: 'more' };

const startsLike = (bytes: Buffer, head: Buffer): boolean => {
  const n = Math.min(bytes.length, head.length);
  return bytes.subarray(0, n).equals(head.subarray(0, n));
};

/** Version 1 (`$qOutpost.accel:1#..`) or version 2 (`$qOutpost.accel:2:HEX#..`, with a valid hello inside). */
export function helloState(bytes: Buffer): HelloState {
  if (startsLike(bytes, HELLO)) {
    if (bytes.length < HELLO.length) return { state: 'more' };
    return { state: 'hello', rest: bytes.subarray(HELLO.length) };
  }
  if (!startsLike(bytes, V2_HEAD)) return { state: 'plain' };
  const hash = bytes.indexOf(0x23, V2_HEAD.length);
  if (hash < 0 || bytes.length < hash + 3) return bytes.length > MAX_OFFER ? { state: 'plain' } : { state: 'more' };
  const first = decodeOffer(bytes.subarray(1, hash).toString('latin1'));
  return first ? { state: 'hello', rest: bytes.subarray(hash + 3), first } : { state: 'plain' };
}

/** Drops whole copies of the offer at the start of `bytes`; `more` while a copy may still be arriving. */
export function skipRepeatedHello(bytes: Buffer): { state: 'done' | 'more'; bytes: Buffer } {
  let rest = bytes;
  for (;;) {
    const state = helloState(rest);
    if (state.state === 'plain') return { state: 'done', bytes: rest };
    if (state.state === 'more') return { state: 'more', bytes: rest };
    rest = state.rest;
  }
}
