// Remote-debugging fixture: a real relay (in this process, or its own process that can be killed), simulated
// devices (QEMU + agent, as `outpost sim` runs them), operator key files for the adapter, and device logs as the
// relay's logs channel delivers them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { readLogs } from '../../src/agent/uart/logsClient';
import type { LogsMessage } from '../../src/agent/uart/logsWire';
import { startSimDevice, type SimDevice as FleetDevice } from '../../src/agent/device';
import { readIdentityFile, writeIdentityFile } from '../../src/common/identityFile';
import { silentLogger } from '../../src/common/log';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import type { Role } from '../../src/protocol/control';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';
import { startRelayFixture } from '../helpers/relayFixture';
import { consoleText, LineLog } from './harness';
import type { DeviceLines } from './scenarios';

/** A device's log lines through a logs channel (optionally the newest ones replayed, then live), as `outpost logs -f` shows them. */
export class LogsTail implements DeviceLines {
  private readonly log = new LineLog('logs channel');

  private constructor(
    private readonly channel: Duplex,
    replay: number,
  ) {
    const onMessage = (m: LogsMessage): void => {
      if (m.kind === 'line') this.log.push(consoleText(m.text));
    };
    readLogs(channel, replay > 0 ? { tail: replay } : {}, onMessage).catch((err: unknown) =>
      this.log.push(`-- logs channel failed: ${String(err)} --`),
    );
  }

  /** Opens the logs channel of `device` through `client`, replaying its newest `replay` lines first. */
  static async open(client: OperatorClient, device: string, replay: number): Promise<LogsTail> {
    return new LogsTail(await client.openChannel(device, 'logs'), replay);
  }

  get lines(): readonly string[] {
    return this.log.lines;
  }

  waitFor(re: RegExp, timeoutMs = 15_000, fromLine = this.lines.length): Promise<string> {
    return this.log.waitFor(re, timeoutMs, fromLine);
  }

  close(): void {
    this.channel.destroy();
  }
}

/** A simulated device in the fleet, with its log as an operator sees it. */
export interface RemoteDevice {
  readonly name: string;
  readonly sim: FleetDevice;
  readonly log: LogsTail;
  stop(): Promise<void>;
}

/** A relay with a simulated fleet. Call close() in an after hook. */
export class RemoteFleet {
  private readonly identities = new Map<string, Identity>();
  private readonly devices = new Set<RemoteDevice>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'outpost-remote-debug-'));

  private constructor(
    public url: string,
    private admin: OperatorClient,
    private readonly stopRelay: () => Promise<void>,
    private relayProcess?: RelayUnderTest,
  ) {}

  /** A relay in this process (startRelay). */
  static async inProcess(): Promise<RemoteFleet> {
    const fx = await startRelayFixture();
    return new RemoteFleet(fx.url, fx.admin, () => fx.close());
  }

  /** A relay in its own process (`outpost relay`), which killRelay() can kill and restartRelay() bring back. */
  static async asProcess(): Promise<RemoteFleet> {
    const relay = await startRelayProcess();
    const admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKey) });
    const fleet: RemoteFleet = new RemoteFleet(
      relay.url,
      admin,
      async () => {
        fleet.admin.close();
        await fleet.relayProcess?.stop();
      },
      relay,
    );
    return fleet;
  }

  /** Registers an operator with `role` and writes its key to a file for the adapter's `identityFile`. */
  async operatorKey(name: string, role: Role): Promise<string> {
    const id = generateIdentity();
    await this.admin.request('operators.add', { name, publicKey: id.publicKeyText, role });
    const file = join(this.dir, `${name}.key`);
    writeIdentityFile(file, id);
    return file;
  }

  /** Registers a device (once per name); it stays offline until startDevice. */
  async register(name: string): Promise<Identity> {
    let id = this.identities.get(name);
    if (!id) {
      id = generateIdentity();
      await this.admin.request('devices.add', { name, publicKey: id.publicKeyText, tags: {} });
      this.identities.set(name, id);
    }
    return id;
  }

  /** Boots a simulated device running `elf`, online and printing readings (seen through its logs channel). */
  async startDevice(name: string, elf: string): Promise<RemoteDevice> {
    const identity = await this.register(name);
    const stateDir = join(this.dir, `${name}-${Date.now()}`);
    mkdirSync(stateDir);
    const sim = await startSimDevice({
      relay: this.url,
      identity,
      firmware: elf,
      stateDir,
      trustedSigners: [],
      log: silentLogger,
    });
    let log: LogsTail | undefined;
    const device: RemoteDevice = {
      name,
      sim,
      get log(): LogsTail {
        if (!log) throw new Error(`${name} has no log yet`);
        return log;
      },
      stop: async () => {
        this.devices.delete(device);
        log?.close();
        await sim.stop();
      },
    };
    this.devices.add(device);
    try {
      await sim.whenConnected();
      log = await LogsTail.open(this.admin, name, 100);
      await log.waitFor(/reading #/, 20_000, 0);
    } catch (err) {
      await device.stop();
      throw err;
    }
    return device;
  }

  /** The device's new log lines through a fresh logs channel (e.g. after the relay came back); no replay. */
  async liveLogsOf(device: string): Promise<LogsTail> {
    return LogsTail.open(this.admin, device, 0);
  }

  /** The relay's connected operators and open rsp channels, from its Prometheus /metrics. */
  async links(): Promise<{ operators: number; rspChannels: number }> {
    const text = await (await fetch(this.url.replace(/^ws/, 'http') + '/metrics')).text();
    const gauge = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    return {
      operators: gauge(/^outpost_connected_operators (\d+)$/m),
      rspChannels: gauge(/^outpost_open_channels\{kind="rsp"\} (\d+)$/m),
    };
  }

  /** SIGKILLs the relay process: no close frames, every link just drops. */
  async killRelay(): Promise<void> {
    if (!this.relayProcess) throw new Error('the relay runs in this process; use RemoteFleet.asProcess()');
    await this.relayProcess.process.stop('SIGKILL');
  }

  /** Starts the relay process again on its data and address, and reconnects the admin. */
  async restartRelay(): Promise<void> {
    const old = this.relayProcess;
    if (!old) throw new Error('the relay runs in this process; use RemoteFleet.asProcess()');
    this.admin.close();
    this.relayProcess = await startRelayProcess({ dataDir: old.dataDir, listen: old.host });
    this.admin = await connectOperator({ relay: this.url, identity: readIdentityFile(old.adminKey) });
  }

  async close(): Promise<void> {
    for (const d of [...this.devices]) await d.stop();
    await this.stopRelay();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
