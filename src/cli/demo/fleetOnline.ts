// Waits until the relay lists every demo device online with its firmware facts: what the Fleet view will show.
import { setTimeout as sleep } from 'node:timers/promises';
import type { OperatorClient } from '../../link/operatorClient';
import type { DeviceInfo } from '../../protocol/control';
import { CliError } from '../errors';

/** A device the way the editor needs it: online, with the firmware version and build id it reported. */
export function isReady(d: DeviceInfo | undefined): d is DeviceInfo {
  return d !== undefined && d.online && d.firmwareVersion !== null && d.buildId !== null;
}

/**
 * Polls `devices.list` until every name in `names` is ready; resolves with their entries in the order of `names`.
 * Rejects with a CliError naming the devices still missing after `timeoutMs`, or when `signal` aborts.
 */
export async function waitForFleetOnline(
  client: OperatorClient,
  names: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal; pollMs?: number },
): Promise<DeviceInfo[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const listed = new Map((await client.request('devices.list')).map((d) => [d.name, d]));
    const missing = names.filter((n) => !isReady(listed.get(n)));
    if (missing.length === 0) return names.map((n) => listed.get(n)!);
    if (Date.now() >= deadline) {
      throw new CliError(`${missing.join(', ')} did not come online within ${Math.round(options.timeoutMs / 1000)} s`);
    }
    await sleep(options.pollMs ?? 250, undefined, { signal: options.signal });
  }
}
