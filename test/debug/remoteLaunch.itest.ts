// Launch on a fleet device through the relay: the stdio adapter flashes another build over the tunnel, resets the
// core and stops at main; the new version then boots, as the device's logs channel shows.
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildAdapter, buildFirmware, EventQueue, startClient, stopClient } from './harness';
import { RemoteFleet, type RemoteDevice } from './remoteFleet';
import { launchFlashesAndStopsAtMain } from './scenarios';

describe('debug adapter: launch on a fleet device through the relay (agent, QEMU, gdb-multiarch)', function () {
  this.timeout(120_000);
  let adapter: string;
  let running: string;
  let next: string;
  let fleet: RemoteFleet;
  let device: RemoteDevice;
  let dc: DebugClient;

  before(async () => {
    [adapter, { elf: running }, { elf: next }, fleet] = await Promise.all([
      buildAdapter(),
      buildFirmware(),
      buildFirmware('9.8.7'),
      RemoteFleet.inProcess(),
    ]);
  });

  after(async () => {
    if (dc) await stopClient(dc);
    await device?.stop();
    await fleet?.close();
  });

  it('flashes a new build, resets and stops at main; the new version then boots', async function () {
    const key = await fleet.operatorKey('ana', 'debugger');
    device = await fleet.startDevice('sensor-01', running);
    await device.log.waitFor(/boot: u5-sensor 1\.0\.0 /, 5_000, 0);
    const c = await startClient(adapter, this.test?.fullTitle() ?? 'remote launch');
    dc = c.dc;
    const outputs = new EventQueue<DebugProtocol.OutputEvent>(dc, 'output');
    const args = {
      device: device.name,
      executable: next,
      relay: fleet.url,
      identityFile: key,
      traceFile: c.logFile + '.mi',
    };
    await launchFlashesAndStopsAtMain({ dc, stops: c.stops, outputs, device: device.log }, args, '9.8.7');
  });
});
