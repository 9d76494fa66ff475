// `outpost logs DEVICE [--follow] [--tail N] [--json]`: a device's log lines, replayed and, with --follow, live.
import { readLogs } from '../../agent/uart/logsClient';
import type { LogsMessage } from '../../agent/uart/logsWire';
import { Backoff } from '../../link/backoff';
import type { Channel } from '../../link/channel';
import { RelayError, type RelayErrorCode } from '../../link/errors';
import { defineCommand } from '../command';
import { deviceError } from '../deviceChannel';
import { LogCursor } from '../logCursor';
import { formatLogLine, gapNotice } from '../logFormat';
import { OperatorLink } from '../operatorLink';
import { operatorConnector, relayOptions } from '../session';
import { parsePositiveInt } from '../values';

/** Lines shown before following when --tail is not given (as tail -f does). */
export const FOLLOW_TAIL = 10;

/** Failures a follower waits out: the relay or the device is away for now. */
const transient: readonly RelayErrorCode[] = [
  'CONNECTION_FAILED',
  'CONNECTION_LOST',
  'TIMEOUT',
  'DEVICE_OFFLINE',
  'RELAY_SHUTDOWN',
  'HEARTBEAT_TIMEOUT',
  'NORMAL',
];

function isTransient(err: unknown): boolean {
  return err === undefined || (err instanceof RelayError && transient.includes(err.code));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export default defineCommand({
  name: 'logs',
  summary: "print a device's log lines (timestamped); --follow streams new ones and survives reconnects",
  args: 'DEVICE',
  positionals: { min: 1, max: 1 },
  details:
    'Lines carry the time the agent received them. Without --tail, prints every line the agent holds (or the\n' +
    `last ${FOLLOW_TAIL} with --follow). --follow keeps streaming; when the relay or the device goes away it\n` +
    'reconnects and resumes after the last line printed: nothing twice, nothing printed meanwhile missed. Lines\n' +
    'the device dropped (its buffer overflowed) are counted on stderr.',
  options: {
    ...relayOptions,
    follow: { type: 'boolean', short: 'f', description: 'keep streaming new lines until Ctrl-C' },
    tail: { type: 'string', value: 'N', description: 'start with the newest N lines' },
    json: { type: 'boolean', description: 'one JSON object per line: seq, time, level, text (and gaps)' },
  },
  async run({ positionals, options }, io) {
    const device = positionals[0];
    const tail = options.tail ? parsePositiveInt('tail', options.tail) : options.follow ? FOLLOW_TAIL : 1e9;
    const notice = (line: string): boolean => io.stderr.write(`outpost: ${line}\n`);
    const cursor = new LogCursor(tail, options.follow);
    const style = options.json ? 'json' : 'text';
    const onMessage = (m: LogsMessage): void => {
      if (!cursor.see(m)) return;
      const line = formatLogLine(m, style);
      if (line) io.stdout.write(line);
      if (m.kind === 'gap') notice(gapNotice(m));
    };
    const link = new OperatorLink(operatorConnector(options, io));
    const open = async (): Promise<Channel> => (await link.client()).openChannel(device, 'logs');
    const backoff = new Backoff(500, 5000);
    try {
      let channel: Channel;
      try {
        channel = await open();
      } catch (err) {
        throw deviceError(err, device, 'logs');
      }
      for (;;) {
        const stop = (): void => void channel.destroy();
        io.signal.addEventListener('abort', stop, { once: true });
        let lost: unknown;
        try {
          await readLogs(channel, cursor.request(), onMessage);
        } catch (err) {
          lost = err;
        } finally {
          io.signal.removeEventListener('abort', stop);
        }
        cursor.disconnected();
        if (io.signal.aborted) return;
        if (!options.follow) {
          if (lost) throw deviceError(lost, device, 'logs');
          return;
        }
        if (!isTransient(lost)) throw deviceError(lost, device, 'logs');
        notice(
          `log stream of ${device} interrupted (${(lost as Error | undefined)?.message ?? 'closed'}); reconnecting`,
        );
        const again = await reconnect();
        if (!again) return;
        channel = again;
        notice(`log stream of ${device} resumed`);
      }
    } finally {
      link.close();
    }

    // A new channel once the relay and the device are back; undefined when stopped meanwhile.
    async function reconnect(): Promise<Channel | undefined> {
      for (;;) {
        await sleep(backoff.next(), io.signal);
        if (io.signal.aborted) return undefined;
        try {
          const channel = await open();
          backoff.reset();
          return channel;
        } catch (err) {
          if (!isTransient(err)) throw deviceError(err, device, 'logs');
        }
      }
    }
  },
});
