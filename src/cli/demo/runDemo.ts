// `outpost demo` as a function: relay, simulated fleet, workspace and code-server started in order, stopped as one.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectOperator } from '../../link/operatorClient';
import type { DeviceInfo } from '../../protocol/control';
import { startSimDevice } from '../../agent/device';
import { startRelay } from '../../relay';
import { findCodeServerEntry, startCodeServer } from './codeServer';
import { DEMO_OPERATOR, demoDevices, formatTags } from './demoFleet';
import { removeDemoInfo, writeDemoInfo } from './demoInfo';
import { demoLayout, type DemoLayout } from './demoLayout';
import { demoTrustedSigners } from './demoTrust';
import { openInDesktopCode } from './desktopCode';
import { createDemoLogger } from './demoLog';
import { buildDemoFirmware, prepareWorkspace } from './demoWorkspace';
import { findExtensionPackage } from './extensionPackage';
import { waitForFleetOnline } from './fleetOnline';
import { registerDemoFleet } from './fleetRegistration';
import { ensureIdentityFile } from './identities';
import { ensurePortFree } from './portCheck';
import { Teardown } from './teardown';
import { mergeWorkspaceSettings } from './workspaceSettings';

/** How to run the demo. */
export interface DemoOptions {
  /** Port of the workbench on 127.0.0.1 (0: any free one). */
  port: number;
  /** How many simulated devices (default 3). */
  devices?: number;
  /** Data directory kept across runs; default a temporary one, removed when the demo stops. */
  dataDir?: string;
  /** Aborting it stops the demo, during start-up too. */
  signal: AbortSignal;
  /** One line of progress for the user (“building the sample firmware”). */
  progress(line: string): void;
  /** Where error log lines are echoed (the rest goes to the log file). */
  stderr: NodeJS.WritableStream;
  /** A desktop VS Code launcher (`code` on PATH, see desktopCode.ts) that also gets the extension and the project. */
  desktopCode?: string;
}

/** A running demo. */
export interface RunningDemo {
  /** The workbench address, `http://127.0.0.1:PORT/`. */
  url: string;
  relay: string;
  layout: DemoLayout;
  /** The devices as the relay lists them when the demo became ready. */
  devices: DeviceInfo[];
  /** Stops code-server, the devices (QEMU, agents) and the relay; removes a temporary data directory. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown inside startDemo when the signal aborts start-up; never leaves it. */
class StartStopped extends Error {}

/** How long the devices may take to report in once started (QEMU boot + connect + telemetry). */
const ONLINE_TIMEOUT_MS = 60_000;

/**
 * Starts the demo and resolves once a browser can open the workbench and the relay lists every device online with
 * its firmware. Resolves undefined when the signal aborted start-up (everything started is stopped again); rejects
 * with a one-line CliError (port taken, code-server or the extension package missing, QEMU missing, …) after
 * stopping what was started.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo | undefined> {
  const fleet = demoDevices(options.devices ?? 3);
  // Everything that can be checked without starting anything, first: a wrong set-up fails in a second.
  await ensurePortFree(options.port);
  const vsix = findExtensionPackage();
  findCodeServerEntry();

  const temporary = options.dataDir === undefined;
  const root = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'outpost-demo-')));
  await mkdir(root, { recursive: true });
  const layout = demoLayout(root);
  const log = createDemoLogger(layout.logFile, options.stderr);
  const teardown = new Teardown(log);
  if (temporary) teardown.add('data directory', () => rm(root, { recursive: true, force: true }));
  const stopped = new Promise<never>((_, reject) => {
    if (options.signal.aborted) reject(new StartStopped());
    options.signal.addEventListener('abort', () => reject(new StartStopped()), { once: true });
  });
  stopped.catch(() => undefined); // observed through the races below
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, stopped]);
  const { progress } = options;

  try {
    progress(
      `data directory ${root}${temporary ? ' (temporary: removed when the demo stops; keep one with --data)' : ''}`,
    );
    progress(`logs in ${layout.logFile}`);
    if (await step(prepareWorkspace(layout.workspace, fleet[0].name)))
      progress(`copied the sample project to ${layout.workspace}`);
    progress('building the sample firmware (examples/u5-sensor, environment sim)');
    const firmware = await step(buildDemoFirmware(layout.workspace, layout.firmwareElf));
    progress(
      `the devices boot firmware ${firmware.version ?? '(no version)'}, build id ${firmware.buildId?.slice(0, 12) ?? 'none'}`,
    );

    const operator = ensureIdentityFile(layout.operatorKey);
    const signing = ensureIdentityFile(layout.signingKey);
    const relayStart = startRelay({ listen: '127.0.0.1:0', dataDir: layout.relayDir, log: log.child('relay') });
    teardown.addStarting('relay', relayStart, (r) => r.close());
    const relay = await step(relayStart);
    progress(`relay listening on ${relay.url}`);
    const enrollments = await step(registerDemoFleet(relay.url, relay.adminKeyFile, operator.publicKeyText, fleet));
    progress(
      `operator key for the editor and the CLI: ${layout.operatorKey} (role ${DEMO_OPERATOR.role}: fine for a local demo; give people deployer or viewer keys on a real relay)`,
    );
    progress(
      `firmware signing key: ${layout.signingKey} (the devices trust it and the editor's key, which Deploy OTA in VS Code signs with)`,
    );

    // The devices and code-server start side by side.
    const starting = fleet.map((d) => {
      progress(`starting ${d.name} (${formatTags(d.tags)}) on QEMU mps2-an505`);
      return mkdir(layout.deviceStateDir(d.name), { recursive: true, mode: 0o700 }).then(() =>
        startSimDevice({
          relay: relay.url,
          identity: ensureIdentityFile(layout.deviceKey(d.name)),
          firmware: firmware.elf,
          stateDir: layout.deviceStateDir(d.name),
          enroll: enrollments.get(d.name),
          trustedSigners: demoTrustedSigners(operator, signing),
          log: log.child(d.name),
        }),
      );
    });
    progress('starting VS Code (code-server) with the Outpost extension');
    const editor = startCodeServer({
      port: options.port,
      folder: layout.workspace,
      userDataDir: layout.userDataDir,
      extensionsDir: layout.extensionsDir,
      vsix,
      settings: {
        'outpost.relay': relay.url,
        'outpost.identityFile': layout.operatorKey,
        'outpost.autoConnect': true,
      },
      log: log.child('code-server'),
    });
    // Stopped side by side too; a part that failed to start has stopped itself.
    teardown.addStarting('devices and code-server', Promise.allSettled([editor, ...starting]), (settled) =>
      Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined))).then(() => undefined),
    );
    const [server] = await step(Promise.all([editor, ...starting]));

    const clientStart = connectOperator({ relay: relay.url, identity: operator, keepaliveSec: 0 });
    teardown.addStarting('operator session', clientStart, (c) => c.close());
    const client = await step(clientStart);
    const devices = await step(
      waitForFleetOnline(
        client,
        fleet.map((d) => d.name),
        { timeoutMs: ONLINE_TIMEOUT_MS, signal: options.signal },
      ),
    );
    for (const d of devices)
      progress(`${d.name} online: firmware ${d.firmwareVersion}, build ${d.buildId?.slice(0, 12)}`);

    await writeDemoInfo(layout.infoFile, {
      url: server.url,
      relay: relay.url,
      operatorKey: layout.operatorKey,
      signingKey: layout.signingKey,
      workspace: layout.workspace,
      logFile: layout.logFile,
      devices: devices.map((d) => d.name),
      pid: process.pid,
    });
    teardown.add('demo.json', () => removeDemoInfo(layout.infoFile));
    if (options.desktopCode) {
      const settings = {
        'outpost.relay': relay.url,
        'outpost.identityFile': layout.operatorKey,
        'outpost.autoConnect': true,
      };
      await step(openDesktop(options.desktopCode, vsix, layout.workspace, settings, progress));
    }
    return { url: server.url, relay: relay.url, layout, devices, stop: () => teardown.run() };
  } catch (err) {
    await teardown.run();
    if (err instanceof StartStopped || options.signal.aborted) return undefined;
    throw err;
  }
}

/**
 * Installs the extension into the desktop VS Code too and opens the workspace there, connected through workspace
 * settings (the desktop editor does not read code-server's user settings). A failure is reported and the demo goes
 * on: the browser editor is ready either way.
 */
async function openDesktop(
  cli: string,
  vsix: string,
  workspace: string,
  settings: Record<string, unknown>,
  progress: (line: string) => void,
): Promise<void> {
  progress(`installing the extension into the desktop VS Code (${cli}) and opening the sample project there`);
  try {
    await mergeWorkspaceSettings(workspace, settings);
    await openInDesktopCode(cli, vsix, workspace);
    progress(`desktop VS Code: ${workspace} opened with Outpost connected to the demo relay`);
  } catch (err) {
    progress(`desktop VS Code skipped: ${(err as Error).message} (the browser editor below works without it)`);
  }
}
