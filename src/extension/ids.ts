// Stable ids the manifest, the code and the UI tests share: commands, views, context keys, secrets.

/** Every command the extension contributes (package.json `contributes.commands` lists exactly these). */
export const Commands = {
  connect: 'outpost.connect',
  disconnect: 'outpost.disconnect',
  createIdentity: 'outpost.createIdentity',
  copyPublicKey: 'outpost.copyPublicKey',
  enrollDevice: 'outpost.enrollDevice',
  showFleet: 'outpost.showFleet',
  refreshFleet: 'outpost.refreshFleet',
  debugDevice: 'outpost.debugDevice',
  deploy: 'outpost.deploy',
  openConsole: 'outpost.openConsole',
  showLogs: 'outpost.showLogs',
  openTunnel: 'outpost.openTunnel',
  rebootDevice: 'outpost.rebootDevice',
  copyDeviceId: 'outpost.copyDeviceId',
  pickDevice: 'outpost.pickDevice',
  refreshDeployments: 'outpost.refreshDeployments',
  pauseDeployment: 'outpost.pauseDeployment',
  resumeDeployment: 'outpost.resumeDeployment',
  abortDeployment: 'outpost.abortDeployment',
  openDashboard: 'outpost.openDashboard',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The activity-bar container and its views. */
export const Views = {
  container: 'outpost',
  fleet: 'outpost.fleet',
  deployments: 'outpost.deployments',
} as const;

/** Context keys for `when` clauses. */
export const ContextKeys = {
  /** True while connected to a relay. */
  connected: 'outpost.connected',
  /** The ConnectionState kind: disconnected, connecting, connected, reconnecting, failed. */
  connectionState: 'outpost.connectionState',
  /** True when the connected relay answers deployments.list. */
  deploymentsAvailable: 'outpost.deploymentsAvailable',
} as const;

/** SecretStorage key of the operator identity (key-file JSON). */
export const IDENTITY_SECRET = 'outpost.identity';

/** The debug type. */
export const DEBUG_TYPE = 'outpost';

/** The log language id. */
export const LOG_LANGUAGE = 'outpost-log';
