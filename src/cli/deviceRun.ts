// Runs a device until Ctrl-C or a takeover, for `outpost agent` and `outpost sim`: the CLI's shell around Device.
import { Device, type DeviceOptions } from '../agent/device';
import type { CliIo } from './command';
import { CliError } from './errors';

/**
 * Starts the device (target, agent, UART console/logs and OTA) and resolves once stopped by io.signal, also
 * during start-up. Rejects with the agent's RelayError when the relay refuses it for good on the first attempt,
 * and with a CliError when another process takes over the identity later. Nothing keeps running after it settles.
 */
export async function runDevice(options: DeviceOptions, io: CliIo): Promise<void> {
  const device = new Device(options);
  const onAbort = (): void => void device.stop();
  io.signal.addEventListener('abort', onAbort, { once: true });
  let stoppedBy;
  try {
    if (io.signal.aborted) await device.stop();
    else await device.start();
    stoppedBy = await device.stopped;
  } finally {
    io.signal.removeEventListener('abort', onAbort);
  }
  if (stoppedBy) throw new CliError(`agent stopped: ${stoppedBy.message}`);
}
