// Turns away a GDB connection the tunnel cannot serve with a reason GDB prints, instead of a silent hang-up.
import type { Socket } from 'node:net';
import { errorTextPacket } from '../rsp/packet';

/** How long a refused client may stay silent before it is dropped without a reason. */
export const REFUSE_WAIT_MS = 5000;

/**
 * Waits for GDB's first packet (it speaks first), answers it with `E.reason` — GDB shows "Remote failure reply:
 * E.reason" — and closes the connection.
 */
export function refuseGdbClient(socket: Socket, reason: string): void {
  const timer = setTimeout(() => socket.destroy(), REFUSE_WAIT_MS);
  socket.once('data', () => {
    clearTimeout(timer);
    socket.end(Buffer.concat([Buffer.from('+'), errorTextPacket(reason)]));
  });
  socket.once('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
}
