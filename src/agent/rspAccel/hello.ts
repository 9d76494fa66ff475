// Recognises the operator side's offer of accelerated mode in the first bytes of an rsp channel (pure).
import { encodePacket } from '../../debug/rsp/packet';
import { ACCEL_HELLO, ACCEL_OK } from '../../protocol/rspAccel';

const HELLO = encodePacket(ACCEL_HELLO);

/** The agent's answer to the offer (an ack and `$OK#9a`, as a stub would answer). */
export const HELLO_ANSWER = Buffer.concat([Buffer.from('+'), encodePacket(ACCEL_OK)]);

/** `hello`: the offer, `rest` after it; `plain`: anything else (an old operator, GDB's own bytes); `more`: wait. */
export function helloState(bytes: Buffer): { state: 'hello'; rest: Buffer } | { state: 'plain' } | { state: 'more' } {
  const n = Math.min(bytes.length, HELLO.length);
  if (!bytes.subarray(0, n).equals(HELLO.subarray(0, n))) return { state: 'plain' };
  if (bytes.length < HELLO.length) return { state: 'more' };
  return { state: 'hello', rest: bytes.subarray(HELLO.length) };
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
