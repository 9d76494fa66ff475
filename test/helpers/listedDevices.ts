// The fleet as `outpost devices --json` lists it, for integration tests that drive the CLI against a relay.
import assert from 'node:assert/strict';
import type { DeviceInfo } from '../../src/protocol/control';
import { runOutpost } from './outpostCli';

/** Where to ask: the relay, an operator key that may list devices, and the folder the CLI runs in. */
export interface FleetAccess {
  relay: string;
  key: string;
  cwd?: string;
}

/** `outpost devices --json` as parsed objects (asserts that it succeeded). */
export async function listDevices(access: FleetAccess): Promise<DeviceInfo[]> {
  const r = await runOutpost(['devices', '--json', '--relay', access.relay, '--key', access.key], { cwd: access.cwd });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as DeviceInfo[];
}

/**
 * Polls the listing until the named device satisfies `pred` (presence and telemetry reach the relay
 * asynchronously); throws naming `what` when it has not after `timeoutMs`.
 */
export async function waitForDevice(
  access: FleetAccess,
  name: string,
  pred: (d: DeviceInfo) => boolean,
  what = 'the expected state',
  timeoutMs = 60_000,
): Promise<DeviceInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = (await listDevices(access)).find((x) => x.name === name);
    if (d && pred(d)) return d;
    if (Date.now() > deadline) throw new Error(`device ${name} never reached ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
