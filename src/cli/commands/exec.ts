// `outpost exec DEVICE -- CMD…`: one command in the firmware's command interpreter; prints its output, exits with its code.
import { execCommand } from '../../agent/uart/execClient';
import { linkPatience } from '../../debug/session/linkPatience';
import { defineCommand } from '../command';
import { deviceError, openDeviceChannel } from '../deviceChannel';
import { usageError } from '../errors';
import { relayOptions, withOperator } from '../session';
import { parseDuration } from '../values';

/** An exit status the shell can carry: the firmware's code, with anything outside 1..255 reported as 1. */
export function processExitCode(code: number): number {
  if (code === 0) return 0;
  return Number.isInteger(code) && code > 0 && code <= 255 ? code : 1;
}

export default defineCommand({
  name: 'exec',
  summary: "run one command in a device's command interpreter and exit with its exit code",
  args: 'DEVICE -- CMD…',
  positionals: { min: 1, max: 1 },
  acceptsRest: true,
  details:
    'The command goes over an end-to-end encrypted console channel in the agent’s framed exec protocol, so\n' +
    'log lines the firmware prints meanwhile are not mixed into the output. Example: outpost exec sensor-01 -- version',
  options: {
    ...relayOptions,
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'how long to wait for the reply (default 10s, plus 40 round trips of a slow link)',
    },
  },
  async run({ options, positionals, rest }, io) {
    const device = positionals[0];
    const command = rest.join(' ').trim();
    if (!command) throw usageError(`missing command: outpost exec ${device} -- CMD…`);
    const givenMs = options.timeout ? parseDuration('timeout', options.timeout) * 1000 : undefined;
    const result = await withOperator(options, io, async (client) => {
      const started = performance.now();
      const channel = await openDeviceChannel(client, device, 'console');
      // Opening the channel is a round trip to the device: over a slow or lossy link (TCP backs off to seconds) the
      // reply is late, not lost, so the default wait grows with the link as the debugger's does.
      const timeoutMs = givenMs ?? linkPatience(performance.now() - started).commandMs;
      try {
        return await new Promise<{ output: string; exitCode: number }>((resolve, reject) => {
          channel.once('error', (err) => reject(deviceError(err, device, 'console')));
          execCommand(channel, command, { timeoutMs }).then(resolve, reject);
        });
      } finally {
        channel.on('error', () => undefined); // a device that reboots on this command drops the channel: fine now
        channel.destroy();
      }
    });
    io.stdout.write(result.output);
    return processExitCode(result.exitCode);
  },
});
