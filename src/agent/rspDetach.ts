// Detaching from a GDB stub on behalf of an operator who vanished, so the target runs on instead of staying halted.
import type { Duplex } from 'node:stream';
import type { Logger } from '../common/log';

/** A plain detach, and the multiprocess form (process 1, QEMU's) for a stub that refuses the plain one. */
const PLAIN_DETACH = '$D#44';
const MULTIPROCESS_DETACH = '$D;1#b0';

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
 * Sends `$D#44` until the stub answers OK (the target resumes) or an error, at most three times.
 * QEMU (7.2) takes any byte arriving while the core runs as an interrupt: it halts, sends a stop reply (T02) and
 * may or may not still process the packet. So after a stop reply we wait briefly for a trailing OK and only then
 * detach again; with no answer at all we retry too. Nothing else is ever written (no acks): a stray byte would
 * halt a target that already resumed. `midPacket`: the operator's last packet was cut off, so `#00` first
 * terminates it (the stub NAKs and drops it). `detach`: the packet to send (`$D;1#b0` for a stub in multiprocess
 * mode, which refuses a plain `D`). A plain `D` answered with an error is tried once more as `D;1`: GDB may have
 * put the stub in multiprocess mode without the agent knowing (QEMU then answers E22).
 */
export function detachStub(
  socket: Duplex,
  midPacket: boolean,
  log: Logger,
  timing = { replyMs: 700, graceMs: 300, attempts: 3 },
  detach = PLAIN_DETACH,
): Promise<DetachOutcome> {
  const forms = detach === PLAIN_DETACH ? [PLAIN_DETACH, MULTIPROCESS_DETACH] : [detach];
  return new Promise((resolve) => {
    const buffer = { text: '' };
    let attempts = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: DetachOutcome): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const retryIn = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => (attempts < timing.attempts ? send() : finish('no-answer')), ms);
    };
    const send = (): void => {
      attempts++;
      socket.write(forms[0]);
      retryIn(timing.replyMs);
    };
    const onData = (data: Buffer): void => {
      buffer.text += data.toString('latin1');
      for (const packet of rspPackets(buffer)) {
        // Acks, and console output (`O` + hex; not to be confused with `OK`).
        if (packet === '+' || packet === '-' || /^O(?:[0-9a-fA-F]{2})+$/.test(packet)) continue;
        if (packet === 'OK') return finish('detached');
        if (/^[TS]/.test(packet)) {
          log.debug('stub answered detach with a stop reply', { reply: packet.slice(0, 3), attempt: attempts });
          retryIn(timing.graceMs);
          continue;
        }
        // A late answer to the vanished operator's last request (memory, registers, an empty reply) is not ours.
        if (!/^E(?:[0-9a-fA-F]{2}|\.)/.test(packet)) {
          log.debug('skipped a reply meant for the operator', { reply: packet.slice(0, 8) });
          continue;
        }
        if (forms.length > 1) {
          log.debug('stub refused the detach; trying the multiprocess form', { reply: packet.slice(0, 4) });
          forms.shift();
          attempts = 0;
          send();
          continue;
        }
        return finish('refused');
      }
    };
    const onClose = (): void => finish('no-answer');
    socket.on('data', onData);
    socket.on('close', onClose);
    if (midPacket) socket.write('#00');
    send();
  });
}
