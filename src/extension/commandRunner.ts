// The one error boundary of every command: known failures become a message with a next step, never a stack.
import * as vscode from 'vscode';
import { knownDevicesFile } from '../common/knownDevicesFile';
import { DeviceKeyChanged } from '../link/errors';
import { PlatformioError } from '../platformio/errors';
import type { ConnectProblem } from './connectErrors';
import { DeviceUnavailable } from './deviceErrors';
import { Commands } from './ids';
import { NotAvailableYet } from './notAvailable';
import { ConnectFailed, NotConnected } from './relayConnection';
import type { Services } from './services';

/** An action button: its label and what it does. */
export type Action = readonly [label: string, run: () => unknown];

/** Shows an error with buttons and runs the one the user picks. */
export async function showError(message: string, ...actions: Action[]): Promise<void> {
  const picked = await vscode.window.showErrorMessage(message, ...actions.map(([label]) => label));
  await actions.find(([label]) => label === picked)?.[1]();
}

/** The buttons that go with a connection problem. */
export function connectActions(problem: ConnectProblem, publicKey?: string): Action[] {
  switch (problem.kind) {
    case 'unreachable':
      return [
        ['Change Relay…', () => vscode.commands.executeCommand(Commands.connect, { askRelay: true })],
        ['Retry', () => vscode.commands.executeCommand(Commands.connect, { askRelay: false })],
      ];
    case 'identity':
    case 'forbidden':
      return [
        ...(publicKey ? [['Copy Public Key', () => vscode.env.clipboard.writeText(publicKey)] as const] : []),
        ['Use Another Identity…', () => vscode.commands.executeCommand(Commands.connect, { askIdentity: true })],
      ];
    default:
      return [['Retry', () => vscode.commands.executeCommand(Commands.connect, { askRelay: false })]];
  }
}

/** Runs `pio run -e ENV` in a terminal in the project folder. */
export function buildAction(env: string, cwd?: string): Action {
  return [
    'Build with PlatformIO',
    () => {
      const terminal = vscode.window.createTerminal({ name: `PlatformIO: ${env}`, cwd });
      terminal.show();
      terminal.sendText(`pio run -e ${env}`);
    },
  ];
}

/**
 * Forgets the key pinned for the device in the same known devices file the CLI uses: for a device that was
 * re-enrolled. The user decides, having read that the relay may be lying instead.
 */
function forgetPinAction(err: DeviceKeyChanged): Action {
  return [
    'Forget Pinned Key',
    async () => {
      try {
        await knownDevicesFile().forget(err.relay, err.device);
      } catch (e) {
        return showError(`Outpost: ${(e as Error).message}`);
      }
      void vscode.window.showInformationMessage(
        `Outpost: forgot the key pinned for ${err.device}; the next channel to it pins the key the relay lists then.`,
      );
    },
  ];
}

/** Shows an error thrown by a command or a provider: known failures with their next step, others logged. */
export async function reportError(s: Services, where: string, err: unknown): Promise<void> {
  if (err instanceof ConnectFailed) {
    return showError(`Outpost: ${err.problem.message}`, ...connectActions(err.problem, err.publicKey));
  }
  if (err instanceof NotConnected) {
    return showError(`Outpost: ${err.message}`, ['Connect…', () => vscode.commands.executeCommand(Commands.connect)]);
  }
  if (err instanceof NotAvailableYet) return showError(err.message);
  if (err instanceof DeviceKeyChanged) {
    s.log.warn('device key differs from the pinned one', { device: err.device, relay: err.relay });
    return showError(`Outpost: ${err.message}`, forgetPinAction(err));
  }
  if (err instanceof DeviceUnavailable) {
    return showError(`Outpost: ${err.message}`, [
      'Show Fleet',
      () => vscode.commands.executeCommand(Commands.showFleet),
    ]);
  }
  if (err instanceof PlatformioError) {
    if (err.code === 'NO_PLATFORMIO_INI') {
      return showError(`Outpost: ${err.message}`, [
        'Open Folder…',
        () => vscode.commands.executeCommand('workbench.action.files.openFolder'),
      ]);
    }
    if (err.code === 'NO_BUILD_OUTPUT' && err.env) return showError(`Outpost: ${err.message}`, buildAction(err.env));
    return showError(`Outpost: ${err.message}`);
  }
  const text = err instanceof Error ? err.message : String(err);
  // A role refusal is fixable by an admin, so say so.
  const message =
    (err as { code?: unknown }).code === 'FORBIDDEN' ? `${text}; ask a relay admin for a role that allows it` : text;
  s.log.error('failed', { where, error: message });
  return showError(`Outpost: ${message}`, ['Show Log', () => s.output.show()]);
}

/** Registers a command whose failures are reported by `report`, the single catch for commands. */
export function registerCommand(s: Services, id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      // Not awaited: the command ends now; the message stays until the user acts on it.
      void reportError(s, id, err);
      return undefined;
    }
  });
}
