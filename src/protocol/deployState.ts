// The states of one device in a deployment: one list for the ota channel, the relay's store and every view of it.

/** Phases a device reports on the ota channel once the download is done, in order, then its other endings. */
export const OTA_DEVICE_STATES = [
  'verifying',
  'deferred',
  'installing',
  'rebooting',
  'confirming',
  'confirmed',
  'failed',
  'rolled_back',
] as const;
export type OtaDeviceState = (typeof OTA_DEVICE_STATES)[number];

/**
 * Where one device is in a deployment, in order (the relay's view, in deployment JSON): waiting, downloading, the
 * device's own phases, and `canceled` = never installed because the deployment was aborted.
 */
export const DEPLOY_DEVICE_STATES = ['pending', 'downloading', ...OTA_DEVICE_STATES, 'canceled'] as const;
export type DeviceDeployState = (typeof DEPLOY_DEVICE_STATES)[number];

/** States a device never leaves. */
export const TERMINAL_STATES: readonly DeviceDeployState[] = ['confirmed', 'failed', 'rolled_back', 'canceled'];
