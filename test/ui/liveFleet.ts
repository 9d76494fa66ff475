// A UI test's fleet, built from `outpost demo`'s pieces: an embedded relay, the editor's operator key, the sample
// workspace and QEMU devices running the sample firmware. Shared by the test/ui files that need live devices.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type Logger } from '../../src/common/log';
import { demoDevices, type DemoDevice } from '../../src/cli/demo/demoFleet';
import { demoLayout, type DemoLayout } from '../../src/cli/demo/demoLayout';
import { demoTrustedSigners } from '../../src/cli/demo/demoTrust';
import { buildDemoFirmware, prepareWorkspace, type DemoFirmware } from '../../src/cli/demo/demoWorkspace';
import { registerDemoFleet } from '../../src/cli/demo/fleetRegistration';
import { ensureIdentityFile } from '../../src/cli/demo/identities';
import { startSimDevice, type SimDevice } from '../../src/agent/device';
import type { Enrollment } from '../../src/protocol/auth';
import { startRelay, type RunningRelay } from '../../src/relay';
import '../helpers/knownDevicesIsolation';
import { UI_ARTIFACTS_DIR, useWorkbench, type Workbench, type WorkbenchOptions } from './harness';

/** The window size of fleet tests: their screenshots are the ones docs/images keeps. */
export const SCREENSHOT_VIEWPORT = { width: 1280, height: 800 };

/** How the fleet's workspace is handed to VS Code. */
export type WorkspaceBuild =
  /** With `.pio/build/sim` holding the image the devices run (what `outpost demo` opens). */
  | 'built'
  /** Without any build output (a fresh clone of the project). */
  | 'unbuilt';

/** What useLiveFleet starts. */
export interface LiveFleetOptions {
  /** How many devices (`sensor-01`…, tagged as the demo tags them). */
  devices: number;
  /** Default `'built'`. */
  workspace?: WorkspaceBuild;
}

/** A running fleet. */
export interface LiveFleet {
  readonly relay: RunningRelay;
  readonly layout: DemoLayout;
  /** The image every device boots (version 1.0.0 of the sample). */
  readonly firmware: DemoFirmware;
  readonly members: readonly DemoDevice[];
  /** The devices still running, by name. */
  readonly devices: ReadonlyMap<string, SimDevice>;
  /** Stops a device's agent and QEMU (it shows offline). */
  stopDevice(name: string): Promise<void>;
  /** Starts a stopped device again, on the image OTA installed last or the factory image, and waits until online. */
  startDevice(name: string): Promise<void>;
  /**
   * What `outpost demo` gives code-server: the relay and the operator key in user settings, and the workspace the
   * firmware was built in (opened in place, so the ELF's source paths are the editor's).
   */
  workbenchOptions(): WorkbenchOptions;
}

/** A fleet and a VS Code connected to it, for one describe block. */
export interface LiveFleetSuite {
  fleet: () => LiveFleet;
  vscode: () => Workbench;
}

/**
 * Registers mocha hooks in the calling describe block: the first `before` builds the sample, starts the relay and
 * the devices (side by side) and waits until each is connected; then VS Code starts (useWorkbench) with
 * `fleet.workbenchOptions()`, or what `workbench` makes of them; the last `after` stops the devices and the relay
 * and removes the data, once VS Code is closed. Returns accessors valid inside tests and later hooks.
 */
export function useLiveFleet(
  options: LiveFleetOptions,
  workbench: (fleet: LiveFleet) => WorkbenchOptions = (f) => f.workbenchOptions(),
): LiveFleetSuite {
  let running: LiveFleet | undefined;
  const devices = new Map<string, SimDevice>();
  let relay: RunningRelay | undefined;
  let root = '';
  const fleet = (): LiveFleet => {
    if (!running) throw new Error('the fleet is not running: use it inside it()/hooks after useLiveFleet’s before');
    return running;
  };

  before(async function () {
    this.timeout(180_000);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ui-fleet-'));
    const layout = demoLayout(root);
    const demo = demoDevices(options.devices);
    fs.mkdirSync(UI_ARTIFACTS_DIR, { recursive: true });
    const logName = path.join(UI_ARTIFACTS_DIR, `${path.basename(this.test?.file ?? 'fleet', '.ts')}.fleet.log`);
    fs.rmSync(logName, { force: true });
    const log = createLogger('fleet', (line) => fs.appendFileSync(logName, line + '\n'));
    await prepareWorkspace(layout.workspace, demo[0].name);
    const firmware = await buildDemoFirmware(layout.workspace, layout.firmwareElf);
    if (options.workspace === 'unbuilt') fs.rmSync(path.join(layout.workspace, '.pio'), { recursive: true });
    const operator = ensureIdentityFile(layout.operatorKey);
    const signing = ensureIdentityFile(layout.signingKey);
    relay = await startRelay({ listen: '127.0.0.1:0', dataDir: layout.relayDir, log: log.child('relay') });
    const enrollments = await registerDemoFleet(relay.url, relay.adminKeyFile, operator.publicKeyText, demo);
    const start = async (name: string): Promise<SimDevice> => {
      // A device the relay knows already (a restart) connects with its key; a new one enrolls.
      const device = await startDevice(relay!, layout, firmware, name, enrollments.get(name), {
        trustedSigners: demoTrustedSigners(operator, signing),
        log: log.child(name),
      });
      enrollments.delete(name);
      devices.set(name, device);
      await device.whenConnected();
      return device;
    };
    const started = await Promise.allSettled(demo.map((d) => start(d.name)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const r = relay;
    running = {
      relay: r,
      layout,
      firmware,
      members: demo,
      devices,
      stopDevice: async (name) => {
        await devices.get(name)?.stop();
        devices.delete(name);
      },
      startDevice: async (name) => {
        if (devices.has(name)) throw new Error(`${name} is running`);
        await start(name);
      },
      workbenchOptions: () => ({
        settings: { 'outpost.relay': r.url, 'outpost.identityFile': layout.operatorKey },
        folder: layout.workspace,
        viewport: SCREENSHOT_VIEWPORT,
      }),
    };
  });

  const vscode = useWorkbench(() => workbench(fleet()));

  after(async () => {
    await Promise.all([...devices.values()].map((d) => d.stop()));
    devices.clear();
    await relay?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
    running = undefined;
  });

  return { fleet, vscode };
}

async function startDevice(
  relay: RunningRelay,
  layout: DemoLayout,
  firmware: DemoFirmware,
  name: string,
  enroll: Enrollment | undefined,
  opts: { trustedSigners: string[]; log: Logger },
): Promise<SimDevice> {
  fs.mkdirSync(layout.deviceStateDir(name), { recursive: true });
  return startSimDevice({
    relay: relay.url,
    identity: ensureIdentityFile(layout.deviceKey(name)),
    firmware: firmware.elf,
    stateDir: layout.deviceStateDir(name),
    enroll,
    trustedSigners: opts.trustedSigners,
    log: opts.log,
  });
}
