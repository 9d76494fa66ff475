// A fleet split by an emulated cellular link: relay (and the operator's way in) on side A, agents + QEMU on side B.
import type { ChildProcess } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentityFile, writeIdentityFile } from '../../../src/common/identityFile';
import { connectOperator, type OperatorClient } from '../../../src/link/operatorClient';
import type { DeviceInfo } from '../../../src/protocol/control';
import { generateIdentity } from '../../../src/protocol/identity';
import { repoRoot } from '../../debug/harness';
import { isolatedEnv } from '../../helpers/outpostCli';
import { EmulatedLink, uniqueLinkName, type LinkShape } from '../../support/netem';
import { openBridge, type Bridge } from './namespaceBridge';
import { ProcessOutput } from './processOutput';

/** The relay's port inside namespace A (each link has its own namespaces, so a fixed port cannot collide). */
const RELAY_PORT = 7600;

/** A presence change as the operator saw it (fleet events). */
export interface PresenceSeen {
  device: string;
  online: boolean;
  at: number;
}

/** How the fleet is set up. */
export interface LinkFleetOptions {
  shape: LinkShape;
  /** The `outpost.js` to run (linkBundles()). */
  cli: string;
  /** Firmware ELF the devices boot. */
  firmware: string;
  /** Link name prefix, so `ip netns` shows which test made it. */
  prefix: string;
  /** The agents' --keepalive in seconds (the relay cuts a device off after twice that plus a tick). */
  keepaliveSec?: number;
}

/** One simulated device: `outpost agent --target sim` in namespace B. */
export interface LinkDevice {
  name: string;
  process: ChildProcess;
  output: ProcessOutput;
}

/**
 * `outpost relay` in namespace A, `outpost agent --target sim` per device in B, and an admin operator client whose
 * connection enters the relay in A through a bridge (it never crosses the emulated link, as an operator next to
 * the relay). Faults go on the link between A and B. Call close() in an after hook.
 */
export class LinkFleet {
  readonly devices = new Map<string, LinkDevice>();
  /** Every device.updated presence change, in arrival order. */
  readonly presence: PresenceSeen[] = [];
  readonly signKey: string;
  readonly signPublicKey: string;
  private relay?: ChildProcess;
  private relayExit?: Promise<number | null>;

  private constructor(
    readonly link: EmulatedLink,
    readonly dir: string,
    readonly cli: string,
    readonly relayOutput: ProcessOutput,
    private readonly bridge: Bridge,
    readonly admin: OperatorClient,
    private readonly options: LinkFleetOptions,
    relay: ChildProcess,
  ) {
    this.relay = relay;
    this.relayExit = new Promise((resolve) => relay.once('exit', (code) => resolve(code)));
    const sign = generateIdentity();
    this.signKey = path.join(dir, 'sign.key');
    writeIdentityFile(this.signKey, sign);
    this.signPublicKey = sign.publicKeyText;
    admin.onEvent((e) => {
      if (e.event !== 'device.updated') return;
      const d = (e.data as { device: DeviceInfo }).device;
      const last = [...this.presence].reverse().find((p) => p.device === d.name);
      if (last?.online !== d.online) this.presence.push({ device: d.name, online: d.online, at: Date.now() });
    });
  }

  /** Builds the link, starts the relay in A and connects the admin through the bridge. */
  static async start(options: LinkFleetOptions): Promise<LinkFleet> {
    const { cli } = options;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-link-fault-'));
    const link = await EmulatedLink.up(options.shape, { name: uniqueLinkName(options.prefix) });
    try {
      const dataDir = path.join(dir, 'relay');
      const relay = link.spawn(
        'a',
        process.execPath,
        [cli, 'relay', '--listen', `${link.a.address}:${RELAY_PORT}`, '--data', dataDir, '--heartbeat', '10s'],
        { env: isolatedEnv() },
      );
      const relayOutput = new ProcessOutput(relay);
      await relayOutput.waitFor(/relay listening on ws:\/\//, 30_000);
      const bridge = await openBridge(
        link,
        'a',
        { host: link.a.address, port: RELAY_PORT },
        path.join(dir, 'relay.sock'),
      );
      const identity = readIdentityFile(path.join(dataDir, 'admin.key'));
      const admin = await connectOperator({ relay: `ws://${bridge.hostPort}`, identity });
      await admin.request('fleet.subscribe');
      return new LinkFleet(link, dir, cli, relayOutput, bridge, admin, options, relay);
    } catch (err) {
      await link.down();
      throw err;
    }
  }

  /** The relay as devices reach it: across the link. */
  get deviceRelayUrl(): string {
    return `ws://${this.link.a.address}:${RELAY_PORT}`;
  }

  /** The relay as operators reach it from this machine (through the bridge into A). */
  get operatorUrl(): string {
    return `ws://${this.bridge.hostPort}`;
  }

  /** The relay's data folder (relay.db, artifacts). */
  get dataDir(): string {
    return path.join(this.dir, 'relay');
  }

  /** The admin's key file (for the CLI and the debug adapter's identityFile). */
  get adminKey(): string {
    return path.join(this.dataDir, 'admin.key');
  }

  /** Registers `name` and starts its agent and QEMU in B; resolves once the relay accepted it. */
  async startDevice(name: string): Promise<LinkDevice> {
    const identity = generateIdentity();
    const keyFile = path.join(this.dir, `${name}.key`);
    writeIdentityFile(keyFile, identity);
    await this.admin.request('devices.add', { name, publicKey: identity.publicKeyText, tags: {} });
    const args = [
      ...[this.cli, 'agent', '--relay', this.deviceRelayUrl, '--key', keyFile, '--target', 'sim'],
      ...['--firmware', this.options.firmware, '--trust', this.signPublicKey, '--state', path.join(this.dir, name)],
      ...(this.options.keepaliveSec ? ['--keepalive', `${this.options.keepaliveSec}s`] : []),
    ];
    const child = this.link.spawn('b', process.execPath, args, { env: isolatedEnv(), cwd: this.dir });
    const device = { name, process: child, output: new ProcessOutput(child) };
    this.devices.set(name, device);
    await device.output.waitFor(new RegExp(`agent connected as ${name}\\b`), 90_000);
    return device;
  }

  /** `outpost ARGS…` as the admin, run in namespace A next to the relay, in the background (stdin a pipe). */
  spawnCli(args: string[]): ProcessOutput {
    const cut = args.includes('--') ? args.indexOf('--') : args.length;
    const full = [...args.slice(0, cut), '--relay', this.deviceRelayUrl, '--key', this.adminKey, ...args.slice(cut)];
    const child = this.link.spawn('a', process.execPath, [this.cli, ...full], {
      env: isolatedEnv(),
      cwd: this.dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new ProcessOutput(child);
  }

  /** Initializes `dc` and attaches it to `device` through the relay with the admin key, as the editor would. */
  async attach(dc: DebugClient, device: string, executable: string, traceFile: string): Promise<void> {
    await dc.initializeRequest();
    await Promise.all([
      dc.waitForEvent('initialized', 60_000),
      dc.attachRequest({
        device,
        executable,
        relay: this.operatorUrl,
        identityFile: this.adminKey,
        traceFile,
      } as DebugProtocol.AttachRequestArguments),
    ]);
  }

  /** Stops all traffic between A and B for `ms`, then restores the link as it was shaped. */
  async partition(ms: number): Promise<void> {
    await this.link.cut('loss');
    try {
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      await this.link.restore();
    }
  }

  /** Presence changes of `device` seen since index `from` of `presence`, as 'online'/'offline' words. */
  presenceOf(device: string, from = 0): string[] {
    return this.presence
      .slice(from)
      .filter((p) => p.device === device)
      .map((p) => (p.online ? 'online' : 'offline'));
  }

  /** Stops the relay (SIGTERM, as a service manager does) and resolves with its exit code. Idempotent. */
  async stopRelay(): Promise<number | null> {
    this.admin.close();
    if (this.relay && this.relay.exitCode === null && this.relay.signalCode === null) this.relay.kill('SIGTERM');
    this.relay = undefined;
    return this.relayExit ?? null;
  }

  /**
   * Stops everything it started and removes the link and the temporary folder; the relay's and agents' logs are
   * kept in test-results/reliability/ for a failed run.
   */
  async close(): Promise<void> {
    this.admin.close();
    const logs = path.join(repoRoot, 'test-results', 'reliability');
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(path.join(logs, `${this.link.name}-relay.log`), this.relayOutput.stderr);
    for (const d of this.devices.values())
      fs.writeFileSync(path.join(logs, `${this.link.name}-${d.name}.log`), d.output.stderr);
    await this.bridge.close();
    await this.link.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
