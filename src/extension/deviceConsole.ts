// "Open Console": a terminal wired to the device's UART over an end-to-end encrypted console channel.
import * as vscode from 'vscode';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ChannelOpener } from '../debug/tunnel/deviceConnector';

/** Opens the console channel first (so a refusal is an error message, not a dead terminal), then the terminal. */
export async function openDeviceConsole(opener: ChannelOpener, device: string): Promise<vscode.Terminal> {
  const channel: Duplex = await opener.openChannel(device, 'console');
  const write = new vscode.EventEmitter<string>();
  const closed = new vscode.EventEmitter<void>();
  const decoder = new StringDecoder('utf8');
  // Output that arrives before the terminal is open is kept, then shown.
  let pending: string[] | undefined = [];
  const show = (text: string): void => (pending ? void pending.push(text) : write.fire(text));
  channel.on('data', (chunk: Buffer) => show(decoder.write(chunk)));
  channel.once('error', (err: Error) => show(`\r\n\x1b[31m[console closed: ${err.message}]\x1b[0m\r\n`));
  channel.once('close', () => show('\r\n\x1b[2m[console closed]\x1b[0m\r\n'));
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: closed.event,
    open: () => {
      write.fire(`\x1b[2mOutpost console of ${device} via ${opener.relay} (end-to-end encrypted)\x1b[0m\r\n`);
      for (const text of pending ?? []) write.fire(text);
      pending = undefined;
    },
    // Keys go to the firmware as typed; it echoes them and takes CR as the end of a line.
    handleInput: (data) => {
      if (!channel.destroyed) channel.write(data);
    },
    close: () => {
      channel.destroy();
      write.dispose();
      closed.dispose();
    },
  };
  const terminal = vscode.window.createTerminal({
    name: `Outpost: ${device}`,
    pty,
    iconPath: new vscode.ThemeIcon('terminal'),
  });
  terminal.show();
  return terminal;
}
