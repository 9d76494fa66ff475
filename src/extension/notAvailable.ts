// Honest messages for features whose backend this version of Outpost does not have yet, naming what is missing.

/** Features that are contributed (menus, lenses) but cannot work yet. */
export type MissingFeature = 'deploymentControl' | 'buildIdLookup';

const MESSAGES: Record<MissingFeature, string> = {
  deploymentControl:
    'Controlling deployments is not available yet: the relay has no deployments.pause / deployments.resume / deployments.abort methods.',
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
