// Honest messages for features whose backend this version of Outpost does not have yet, naming what is missing.

/** Features that are contributed (menus, lenses) but cannot work yet. */
export type MissingFeature =
  'deploy' | 'console' | 'logs' | 'tunnel' | 'reboot' | 'deploymentControl' | 'debugAdapter' | 'buildIdLookup';

const MESSAGES: Record<MissingFeature, string> = {
  deploy:
    'Deploying from the editor is not available yet: this version of Outpost cannot upload a build to the relay (artifact upload and the relay method deployments.create are missing).',
  console:
    'The remote console is not available yet: this version of Outpost has no terminal for a device console channel.',
  logs: 'Live device logs are not available yet: this version of Outpost has no viewer for a device logs channel.',
  tunnel:
    'The GDB tunnel is not available yet: this version of Outpost has no local GDB server port for a device rsp channel (`outpost tunnel`).',
  reboot: 'Rebooting a device is not available yet: the relay has no devices.reboot method.',
  deploymentControl:
    'Controlling deployments is not available yet: the relay has no deployments.pause / deployments.resume / deployments.abort methods.',
  debugAdapter:
    'Remote debugging is not available yet: this version of Outpost has no debug session to run inside the editor (src/debug exports none).',
  buildIdLookup:
    'Finding the ELF by the build id the device runs is not available yet (no artifact lookup on the relay); set "pioEnv" or "executable" in launch.json.',
};

/** The user-facing sentence for a missing feature. */
export function notAvailableMessage(feature: MissingFeature): string {
  return `Outpost: ${MESSAGES[feature]}`;
}

/** Thrown by commands that reach a missing backend; the command boundary shows it as an error. */
export class NotAvailableYet extends Error {
  constructor(readonly feature: MissingFeature) {
    super(notAvailableMessage(feature));
    this.name = 'NotAvailableYet';
  }
}
