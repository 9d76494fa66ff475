// Commands about the relay and who we are on it: connect, disconnect, identities, enrollment tokens.
import * as vscode from 'vscode';
import type { Identity } from '../protocol/identity';
import { registerCommand, showError } from './commandRunner';
import { relayUrlProblem, type IdentitySource } from './connectionConfig';
import { Commands, Views } from './ids';
import { parseTags } from './tags';
import { connectionConfig, type Services } from './services';

/** Arguments `outpost.connect` accepts (from buttons, scripts and UI tests). */
export interface ConnectArgs {
  /** Connect to this URL without asking. */
  relay?: string;
  /** Use this key file without asking. */
  identityFile?: string;
  /** Ask for the relay URL even when one is configured (default: ask unless `relay` is given). */
  askRelay?: boolean;
  /** Ask which identity to use even when one is configured. */
  askIdentity?: boolean;
}

async function askRelayUrl(current?: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: 'Outpost: Connect to Relay',
    prompt: 'Relay URL',
    placeHolder: 'ws://127.0.0.1:7600 or wss://relay.example.com',
    value: current ?? 'ws://127.0.0.1:7600',
    ignoreFocusOut: true,
    validateInput: (text) => relayUrlProblem(text),
  });
  return url?.trim();
}

// Lets the user pick where the identity comes from; stores it in SecretStorage.
async function askIdentity(s: Services): Promise<Identity | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(key) Create a new identity', id: 'create', detail: 'An ed25519 key kept in VS Code SecretStorage' },
      { label: '$(file) Use a key file…', id: 'file', detail: 'A file made by `outpost keys new --out FILE`' },
    ],
    { title: 'Outpost: Which identity connects to the relay?', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.id === 'create') return createIdentity(s);
  const files = await vscode.window.showOpenDialog({ title: 'Outpost key file', canSelectMany: false });
  if (!files?.[0]) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(files[0]));
  return s.identities.importJson(text, files[0].fsPath);
}

async function createIdentity(s: Services): Promise<Identity> {
  const identity = await s.identities.create();
  const pub = identity.publicKeyText;
  void vscode.window
    .showInformationMessage(
      `Outpost: created identity ${pub}. An admin registers it with: outpost operator add NAME --pubkey ${pub} --role debugger`,
      'Copy Public Key',
      'Save as Key File…',
    )
    .then(async (choice) => {
      if (choice === 'Copy Public Key') await vscode.env.clipboard.writeText(pub);
      if (choice === 'Save as Key File…') await saveKeyFile(identity);
    });
  return identity;
}

async function saveKeyFile(identity: Identity): Promise<void> {
  const target = await vscode.window.showSaveDialog({ title: 'Save the Outpost key file (mode 0600)' });
  if (!target) return;
  const { writeIdentityFile } = await import(/* webpackMode: "eager" */ '../common/identityFile');
  writeIdentityFile(target.fsPath, identity);
}

// Keeps a relay URL the user typed, where it will be found next time (workspace if set there, else user).
async function rememberRelay(url: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('outpost');
  if (config.get<string>('relay') === url) return;
  const inWorkspace = config.inspect<string>('relay')?.workspaceValue !== undefined;
  await config.update(
    'relay',
    url,
    inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
  );
}

/** Connects with the configured relay and identity, asking for what is missing. */
export async function connect(s: Services, args: ConnectArgs = {}): Promise<void> {
  const config = await connectionConfig(s);
  const ask = args.askRelay ?? args.relay === undefined;
  const relay = args.relay ?? (ask || !config.relay ? await askRelayUrl(config.relay?.url) : config.relay.url);
  if (!relay) return;
  const problem = relayUrlProblem(relay);
  if (problem) throw new Error(problem);
  let source: IdentitySource | undefined = args.identityFile
    ? { kind: 'file', path: args.identityFile, origin: 'setting outpost.identityFile' }
    : config.identity;
  if (args.askIdentity) source = undefined;
  const identity = source ? await s.identities.load(source) : await askIdentity(s);
  if (!identity) return;
  if (ask) await rememberRelay(relay);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Outpost: connecting to ${relay}` },
    () => s.connection.connect(relay, identity),
  );
}

/** Connects at startup when relay and identity are configured; failures only show in the status bar. */
export async function autoConnect(s: Services): Promise<void> {
  const config = await connectionConfig(s);
  if (!config.relay || !config.identity) return;
  const identity = await s.identities.load(config.identity);
  await s.connection.connect(config.relay.url, identity);
}

async function enrollDevice(s: Services): Promise<void> {
  const tagsText = await vscode.window.showInputBox({
    title: 'Outpost: Create Device Enrollment Token',
    prompt: 'Tags the device gets (optional), e.g. region=eu, ring=beta',
    placeHolder: 'key=value, key=value',
    ignoreFocusOut: true,
    validateInput: (t) => (parseTags(t) ? undefined : 'Write tags as key=value, separated by commas'),
  });
  if (tagsText === undefined) return;
  const { token } = (await s.connection.request('enroll.create', {
    tags: parseTags(tagsText) ?? {},
    uses: 1,
    ttlSeconds: 3600,
  })) as { token: string };
  const relay = s.connection.state.kind === 'connected' ? s.connection.state.relay : 'URL';
  const agent = `outpost agent --relay ${relay} --key device.key --target sim --enroll ${token}`;
  const choice = await vscode.window.showInformationMessage(
    'Outpost: enrollment token created (one device, valid 1 hour).',
    'Copy Token',
    'Copy Agent Command',
  );
  if (choice === 'Copy Token') await vscode.env.clipboard.writeText(token);
  if (choice === 'Copy Agent Command') await vscode.env.clipboard.writeText(agent);
}

/** Registers the connection and identity commands. */
export function registerConnectCommands(s: Services): vscode.Disposable[] {
  return [
    registerCommand(s, Commands.connect, (args) => connect(s, (args as ConnectArgs | undefined) ?? {})),
    registerCommand(s, Commands.disconnect, () => s.connection.disconnect()),
    registerCommand(s, Commands.createIdentity, async () => {
      if (await s.identities.stored()) {
        const replace = await vscode.window.showWarningMessage(
          'Outpost: replace the identity stored in VS Code? The relay will not know the new one until an admin adds it.',
          { modal: true },
          'Replace',
        );
        if (replace !== 'Replace') return;
      }
      await createIdentity(s);
    }),
    registerCommand(s, Commands.copyPublicKey, async () => {
      const config = await connectionConfig(s);
      if (!config.identity) {
        return showError('Outpost: no identity yet.', [
          'Create Identity…',
          () => vscode.commands.executeCommand(Commands.createIdentity),
        ]);
      }
      const identity = await s.identities.load(config.identity);
      await vscode.env.clipboard.writeText(identity.publicKeyText);
      vscode.window.setStatusBarMessage(`Outpost: copied public key ${identity.publicKeyText}`, 4000);
    }),
    registerCommand(s, Commands.enrollDevice, () => enrollDevice(s)),
    registerCommand(s, Commands.showFleet, () => vscode.commands.executeCommand(`${Views.fleet}.focus`)),
    registerCommand(s, Commands.refreshFleet, () => s.connection.refresh()),
    registerCommand(s, Commands.refreshDeployments, () => s.connection.refresh()),
  ];
}
