// Detaching from a GDB stub on behalf of an operator who vanished, so the target runs on instead of staying halted.
import type { Socket } from 'node:net';
import type { Logger } from '../common/log';

/** What the stub answered to our detach. */
export type DetachOutcome = 'detached' | 'refused' | 'no-answer';

/** Splits a stub's output into RSP packet bodies; acks (`+`/`-`) are reported as such. */
export function* rspPackets(buffer: { text: string }): Generator<string> {
  for (;;) {
    const t = buffer.text;
    const start = t.search(/[$+-]/);
    if (start < 0) {
      buffer.text = '';
      return;
    }
    if (t[start] !== '$') {
      buffer.text = t.slice(start + 1);
      yield t[start];
      continue;
    }
    const hash = t.indexOf('#', start);
    if (hash < 0 || hash + 2 >= t.length) {
      buffer.text = t.slice(start);
      return;
    }
    buffer.text = t.slice(hash + 3);
    yield t.slice(start + 1, hash);
  }
}

/**
 * Sends `$D#44` and reads the answer. `OK` ends it (the target resumes), an error reply too. QEMU (7.2) treats
 * any byte arriving while the target runs as an interrupt and answers with a stop reply (`T02…`) instead,
 * leaving the target halted; so on a stop reply we detach again, which resumes it with breakpoints removed.
 * Nothing is written after OK: a stray ack would halt a running QEMU target again.
 * `midPacket`: the operator's last packet was cut off, so `#00` first terminates it (the stub NAKs and drops it).
 */
export function detachStub(socket: Socket, midPacket: boolean, log: Logger, timeoutMs = 2000): Promise<DetachOutcome> {
  return new Promise((resolve) => {
    const buffer = { text: '' };
    let attempts = 0;
    const finish = (outcome: DetachOutcome): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const send = (): void => {
      attempts++;
      socket.write('$D#44');
    };
    const onData = (data: Buffer): void => {
      buffer.text += data.toString('latin1');
      for (const packet of rspPackets(buffer)) {
        // Acks and NAKs are ignored: a NAK may answer the cut-off packet, and resending D to a target that
        // already resumed would stop it again (QEMU halts on any byte while running).
        if (packet === '+' || packet === '-') continue;
        if (packet === 'OK') return finish('detached');
        if (/^[TS]/.test(packet) && attempts < 3) {
          log.debug('stub answered detach with a stop reply; detaching again', { reply: packet.slice(0, 3) });
          socket.write('+'); // the target is halted now, so the ack cannot stop it
          send();
          continue;
        }
        if (packet.startsWith('O')) continue; // console output from a running target; no ack while it runs
        return finish('refused');
      }
    };
    const onClose = (): void => finish('no-answer');
    const timer = setTimeout(() => finish('no-answer'), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    if (midPacket) socket.write('#00');
    send();
  });
}
