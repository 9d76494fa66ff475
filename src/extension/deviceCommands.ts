// Commands on a device or a PlatformIO environment: debug, deploy, console, logs, tunnel, reboot, copy id.
import * as vscode from 'vscode';
import { outputsOf } from '../platformio/buildOutputs';
import { ProjectConfig } from '../platformio/ini';
import { buildAction, registerCommand, showError } from './commandRunner';
import { deviceNameOf } from './fleetTreeProvider';
import { Commands, DEBUG_TYPE, Views } from './ids';
import { deployBuild, type DeployTargets } from './deployBuild';
import { formatBytes } from './format';
import type { OperatorRelayLink } from './operatorLink';
import { NotAvailableYet } from './notAvailable';
import type { PioEnvTarget } from './pioCodeLens';
import { NotConnected } from './relayConnection';
import type { Services } from './services';
import { currentProjectDir } from './workspaceProject';
import { commandOpener } from './deviceChannels';
import { fleetProblem } from './deviceErrors';
import { openDeviceConsole } from './deviceConsole';
import { execOnDevice } from './deviceExec';

const isEnvTarget = (arg: unknown): arg is PioEnvTarget =>
  typeof arg === 'object' && arg !== null && typeof (arg as PioEnvTarget).pioEnv === 'string';

/** Asks for a device from the fleet (online first); undefined when the user cancels. */
export async function pickDevice(s: Services, title = 'Outpost: pick a device'): Promise<string | undefined> {
  if (s.connection.state.kind !== 'connected') throw new NotConnected();
  const devices = s.fleet.all().sort((a, b) => Number(b.online) - Number(a.online));
  if (devices.length === 0) {
    await showError('Outpost: the relay has no devices yet.', [
      'Create Enrollment Token…',
      () => vscode.commands.executeCommand(Commands.enrollDevice),
    ]);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    devices.map((d) => ({
      label: d.name,
      description: [d.online ? 'online' : 'offline', d.firmwareVersion].filter(Boolean).join(' · '),
    })),
    { title, ignoreFocusOut: true },
  );
  return picked?.label;
}

// The device a command acts on: the tree node or argument it was given, else one the user picks.
async function targetDevice(s: Services, arg: unknown, title: string): Promise<string | undefined> {
  return deviceNameOf(arg) ?? (await pickDevice(s, title));
}

// The environment to use in a project: the given one, else the only/default one, else one the user picks.
async function chooseEnv(config: ProjectConfig, given?: string): Promise<string | undefined> {
  if (given) return given;
  const envs = config.envs();
  if (envs.length <= 1 || config.defaultEnvs().length > 0) return config.defaultEnv();
  return vscode.window.showQuickPick(envs, { title: 'Outpost: which PlatformIO environment?' });
}

async function debugDevice(s: Services, arg: unknown): Promise<void> {
  const envTarget = isEnvTarget(arg) ? arg : undefined;
  const device = envTarget
    ? await pickDevice(s, `Outpost: debug [env:${envTarget.pioEnv}] on…`)
    : await targetDevice(s, arg, 'Outpost: debug which device?');
  if (!device) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  await vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE,
    request: 'attach',
    name: `Outpost: ${device}`,
    device,
    ...(envTarget ? { pioEnv: envTarget.pioEnv, cwd: envTarget.projectDir } : {}),
  });
}

// Who gets the build: the device it was invoked on, else devices and tags the user picks, and the first wave.
async function pickTargets(s: Services, env: string): Promise<DeployTargets | undefined> {
  const devices = s.fleet.all();
  const tags = [...new Set(devices.flatMap((d) => Object.entries(d.tags).map(([k, v]) => `${k}=${v}`)))].sort();
  const items: Array<vscode.QuickPickItem & { target: 'device' | 'tag' }> = [
    ...devices.map((d) => ({
      label: d.name,
      description: [d.online ? 'online' : 'offline', d.firmwareVersion].filter(Boolean).join(' · '),
      target: 'device' as const,
    })),
    ...tags.map((t) => ({
      label: t,
      iconPath: new vscode.ThemeIcon('tag'),
      description: 'every device with this tag',
      target: 'tag' as const,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Outpost: deploy [env:${env}] to…`,
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked || picked.length === 0) return undefined;
  const chosenDevices = picked.filter((p) => p.target === 'device').map((p) => p.label);
  const chosenTags = picked
    .filter((p) => p.target === 'tag')
    .map((p) => {
      const at = p.label.indexOf('=');
      return { [p.label.slice(0, at)]: p.label.slice(at + 1) };
    });
  if (chosenDevices.length + chosenTags.length === 1 && chosenTags.length === 0)
    return { devices: chosenDevices, tags: [] };
  const rollout = await vscode.window.showInputBox({
    title: 'Outpost: staged rollout',
    prompt: 'Percent of the targets in the first wave; the rest follow once it is healthy. Empty: all at once.',
    ignoreFocusOut: true,
    validateInput: (t) =>
      t.trim() === '' || (/^\d+$/.test(t.trim()) && +t >= 1 && +t <= 100)
        ? undefined
        : 'A whole number from 1 to 100, or empty',
  });
  if (rollout === undefined) return undefined;
  return {
    devices: chosenDevices,
    tags: chosenTags,
    ...(rollout.trim() ? { rolloutPercent: Number(rollout) } : {}),
  };
}

async function deploy(s: Services, arg: unknown): Promise<void> {
  const envTarget = isEnvTarget(arg) ? arg : undefined;
  const projectDir = currentProjectDir(envTarget?.projectDir);
  const config = ProjectConfig.load(projectDir);
  const env = await chooseEnv(config, envTarget?.pioEnv);
  if (!env) return;
  const outputs = outputsOf(config, env);
  if (!outputs.exists) {
    void showError(
      `Outpost: no build output for [env:${env}]: ${outputs.elf} is missing. Build it first (pio run -e ${env}).`,
      buildAction(env, projectDir),
    );
    return;
  }
  const link = s.connection.activeLink as OperatorRelayLink | undefined;
  const signer = s.connection.identity;
  if (!link || !signer) throw new NotConnected();
  const device = deviceNameOf(arg);
  const targets = device ? { devices: [device], tags: [] } : await pickTargets(s, env);
  if (!targets) return;
  const created = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Outpost: deploying [env:${env}]` },
    (report) => {
      let shown = 0;
      return deployBuild(link.client, outputs.elf, signer, targets, (p) => {
        if (p.step === 'signing') report.report({ message: 'signing the build' });
        if (p.step === 'creating') report.report({ message: 'creating the deployment' });
        if (p.step === 'uploading') {
          const pct = Math.floor((p.received / p.size) * 100);
          report.report({ message: `uploading ${formatBytes(p.size)}`, increment: pct - shown });
          shown = pct;
        }
      });
    },
  );
  s.deployments.upsert(created);
  const count = created.waves.flat().length;
  const choice = await vscode.window.showInformationMessage(
    `Outpost: deployment ${created.id} of ${created.signed.manifest.version} started for ${count} device(s), signed by ${signer.publicKeyText}.`,
    'Show Deployments',
  );
  if (choice) await vscode.commands.executeCommand(`${Views.deployments}.focus`);
}

// Asks the relay; a relay without the method gets the honest "not available yet".
async function relayAction(
  s: Services,
  method: string,
  params: Record<string, unknown>,
  missing: NotAvailableYet['feature'],
): Promise<unknown> {
  try {
    return await s.connection.request(method, params);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'UNKNOWN_METHOD') throw new NotAvailableYet(missing);
    throw err;
  }
}

async function openTunnel(s: Services, arg: unknown): Promise<void> {
  const device = await targetDevice(s, arg, 'Outpost: open a GDB tunnel to which device?');
  if (!device) return;
  // Checked now: the tunnel opens no channel to the device until a GDB connects.
  const problem = fleetProblem(device, s.fleet.get(device));
  if (problem) throw problem;
  const tunnel = await s.tunnels.open(commandOpener(s), device);
  const address = `${tunnel.host}:${tunnel.port}`;
  const choice = await vscode.window.showInformationMessage(
    `Outpost: GDB server for ${device} listening on ${address} (target extended-remote ${address}).`,
    'Copy Address',
    'Close Tunnel',
  );
  if (choice === 'Copy Address') await vscode.env.clipboard.writeText(address);
  if (choice === 'Close Tunnel') await s.tunnels.close(device);
}

async function reboot(s: Services, arg: unknown): Promise<void> {
  const device = await targetDevice(s, arg, 'Outpost: reboot which device?');
  if (!device) return;
  const ok = await vscode.window.showWarningMessage(
    `Reboot ${device}? Its firmware restarts now.`,
    { modal: true },
    'Reboot',
  );
  if (ok !== 'Reboot') return;
  // The firmware's command interpreter answers `reboot` and then resets (the sample's does; see examples/).
  const reply = await execOnDevice(commandOpener(s), device, 'reboot');
  if (reply.exitCode !== 0) {
    throw new Error(`${device} did not reboot: \`reboot\` exited with ${reply.exitCode}: ${reply.output.trim()}`);
  }
  vscode.window.setStatusBarMessage(`Outpost: ${device} is rebooting`, 5000);
}

/** Registers the device and environment commands. */
export function registerDeviceCommands(s: Services): vscode.Disposable[] {
  return [
    registerCommand(s, Commands.debugDevice, (arg) => debugDevice(s, arg)),
    registerCommand(s, Commands.deploy, (arg) => deploy(s, arg)),
    registerCommand(s, Commands.openConsole, async (arg) => {
      const device = await targetDevice(s, arg, 'Outpost: open the console of which device?');
      if (device) await openDeviceConsole(commandOpener(s), device);
    }),
    registerCommand(s, Commands.showLogs, async (arg) => {
      const device = await targetDevice(s, arg, 'Outpost: show the logs of which device?');
      if (device) await s.logs.show(commandOpener(s), device);
    }),
    registerCommand(s, Commands.openTunnel, (arg) => openTunnel(s, arg)),
    registerCommand(s, Commands.rebootDevice, (arg) => reboot(s, arg)),
    registerCommand(s, Commands.copyDeviceId, async (arg) => {
      const device = await targetDevice(s, arg, 'Outpost: copy the name of which device?');
      if (!device) return;
      await vscode.env.clipboard.writeText(device);
      vscode.window.setStatusBarMessage(`Outpost: copied ${device}`, 3000);
    }),
    registerCommand(s, Commands.pickDevice, () => pickDevice(s)),
    registerCommand(s, Commands.pauseDeployment, (arg) => deploymentAction(s, arg, 'pause')),
    registerCommand(s, Commands.resumeDeployment, (arg) => deploymentAction(s, arg, 'resume')),
    registerCommand(s, Commands.abortDeployment, (arg) => deploymentAction(s, arg, 'abort')),
  ];
}

async function deploymentAction(s: Services, arg: unknown, verb: 'pause' | 'resume' | 'abort'): Promise<void> {
  const id =
    typeof arg === 'string'
      ? arg
      : ((arg as { deploymentId?: string } | undefined)?.deploymentId ?? (await pickDeployment(s)));
  if (!id) return;
  if (verb === 'abort') {
    const ok = await vscode.window.showWarningMessage(
      `Abort deployment ${id}? Devices not yet installing stop; installed ones keep the new image.`,
      { modal: true },
      'Abort',
    );
    if (ok !== 'Abort') return;
  }
  const updated = await relayAction(s, `deployments.${verb}`, { id }, 'deploymentControl');
  if (updated && typeof updated === 'object') s.deployments.upsert(updated);
}

async function pickDeployment(s: Services): Promise<string | undefined> {
  if (s.connection.state.kind !== 'connected') throw new NotConnected();
  const rows = s.deployments.rows();
  if (rows.length === 0) {
    void vscode.window.showInformationMessage('Outpost: there are no deployments.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    rows.map((r) => ({ label: r.label, description: r.description, id: r.deploymentId })),
    { title: 'Outpost: which deployment?' },
  );
  return picked?.id;
}
