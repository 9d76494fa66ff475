// `outpost console DEVICE`: the firmware's command interpreter in this terminal, over an end-to-end encrypted channel.
import { defineCommand } from '../command';
import { runConsole } from '../consoleSession';
import { deviceError, openDeviceChannel } from '../deviceChannel';
import { CliError } from '../errors';
import { relayOptions, withOperator } from '../session';

export default defineCommand({
  name: 'console',
  summary: "open a device's command interpreter (UART console) in this terminal",
  args: 'DEVICE',
  positionals: { min: 1, max: 1 },
  details:
    'On a terminal every key goes to the firmware (Ctrl-C too); Ctrl-] quits and restores the terminal.\n' +
    `With piped input (echo version | outpost console DEV) it sends the input, shows the output for two more\n` +
    'seconds and exits; for scripts, outpost exec gives the output and exit code of one command.',
  options: { ...relayOptions },
  async run({ positionals, options }, io) {
    const device = positionals[0];
    const end = await withOperator(options, io, async (client) => {
      const channel = await openDeviceChannel(client, device, 'console');
      channel.on('error', () => undefined); // reported through runConsole's result
      const interactive = (io.stdin as { isTTY?: boolean }).isTTY === true;
      try {
        return await runConsole(
          channel,
          io,
          interactive ? `connected to the console of ${device}; Ctrl-] quits\n` : undefined,
        );
      } finally {
        channel.destroy();
      }
    });
    if (end.by === 'device') {
      const why = end.error ? deviceError(end.error, device, 'console') : undefined;
      const reason = why instanceof Error ? why.message : 'the device side closed it';
      throw new CliError(`console of ${device} closed: ${reason}`);
    }
  },
});
