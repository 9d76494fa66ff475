// One console command on a device (`outpost exec`): a console channel, the framed request, the exit code.
import type { ChannelOpener } from '../debug/tunnel/deviceConnector';

/** What the command printed and how it ended. */
export interface ExecReply {
  readonly output: string;
  readonly exitCode: number;
}

/**
 * Runs `command` in the firmware's command interpreter over an end-to-end encrypted console channel, using the
 * agent's framed exec protocol (other console output is ignored), then closes the channel.
 */
export async function execOnDevice(opener: ChannelOpener, device: string, command: string): Promise<ExecReply> {
  const { execCommand } = await import(/* webpackMode: "eager" */ '../agent/uart/execClient');
  const channel = await opener.openChannel(device, 'console');
  try {
    return await new Promise<ExecReply>((resolve, reject) => {
      channel.once('error', reject);
      execCommand(channel, command).then(resolve, reject);
    });
  } finally {
    // Once the reply is in, the channel's fate (a rebooting device drops it) no longer matters to anyone.
    channel.on('error', () => undefined);
    channel.destroy();
  }
}
