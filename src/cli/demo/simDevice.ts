// Where `startSimDevice` used to live: it moved to src/agent/device.ts; import it from there.
export { startSimDevice, type SimDevice, type SimDeviceOptions } from '../../agent/device';
