// Two connected in-memory Duplex streams, like the two ends of a channel (Node 20 has no stream.duplexPair).
import { Duplex, PassThrough } from 'node:stream';

/** [a, b]: what is written to a is read from b and the other way round; ending one ends the other's readable. */
export function duplexPair(): [Duplex, Duplex] {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  const end = (from: PassThrough, to: PassThrough): Duplex => Duplex.from({ readable: to, writable: from }) as Duplex;
  return [end(aToB, bToA), end(bToA, aToB)];
}
