// Integration-test fixture for the device-side commands: a relay process, the sample firmware, `outpost sim` processes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSimFirmware, type SimBuildResult } from '../../src/platformio/simBuild';
import { sampleProjectDir } from '../../src/platformio/sampleProject';
import type { DeviceInfo } from '../../src/protocol/control';
import { listDevices, waitForDevice, type FleetAccess } from '../helpers/listedDevices';
import { runOutpost, startOutpost, type CliResult, type OutpostProcess } from '../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../helpers/relayProcess';

/** A device as `devices --json` lists it. */
export type ListedDevice = DeviceInfo;

/** A relay with simulated devices, each a real `outpost sim` process, in a temporary folder. */
export class SimFleet {
  relay!: RelayUnderTest;
  firmware!: SimBuildResult;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-sim-cli-'));
  private readonly processes: OutpostProcess[] = [];

  /** Builds the sample firmware into the test folder and starts the relay. */
  async start(): Promise<this> {
    this.firmware = await buildSimFirmware({ projectDir: sampleProjectDir(), outDir: path.join(this.dir, 'build') });
    this.relay = await startRelayProcess();
    return this;
  }

  /** `outpost ARGS… --relay URL --key ADMIN [-- REST…]` to completion. */
  admin(...args: string[]): Promise<CliResult> {
    return runOutpost(this.asAdmin(args), { cwd: this.dir });
  }

  // The admin's --relay and --key go before a `--`: what follows it belongs to the command (exec).
  private asAdmin(args: string[]): string[] {
    const cut = args.includes('--') ? args.indexOf('--') : args.length;
    return [...args.slice(0, cut), '--relay', this.relay.url, '--key', this.relay.adminKey, ...args.slice(cut)];
  }

  devices(): Promise<ListedDevice[]> {
    return listDevices(this.access());
  }

  /** Polls `devices --json` until the device satisfies `pred`. */
  until(name: string, pred: (d: ListedDevice) => boolean, what?: string): Promise<ListedDevice> {
    return waitForDevice(this.access(), name, pred, what);
  }

  private access(): FleetAccess {
    return { relay: this.relay.url, key: this.relay.adminKey, cwd: this.dir };
  }

  /** A new key file in the test folder; resolves with its public key. */
  async newKey(file: string): Promise<string> {
    const r = await runOutpost(['keys', 'new', '--out', path.join(this.dir, file)]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }

  /** A device registered by the admin and its `outpost sim` running with that key, once online. */
  async onlineSim(name: string): Promise<OutpostProcess> {
    const key = await this.newKey(`${name}.key`);
    assert.equal((await this.admin('device', 'add', name, '--pubkey', key)).code, 0);
    const sim = await this.sim(['--name', name, '--key', path.join(this.dir, `${name}.key`)]);
    await sim.waitFor(new RegExp(`sim ${name} online`), 60_000);
    return sim;
  }

  /** Starts `outpost sim --relay URL --firmware ELF ARGS…` in the test folder (stopped by stopAll/close). */
  async sim(args: string[], options: { firmware?: 'sample' } = {}): Promise<OutpostProcess> {
    const firmware = options.firmware === 'sample' ? [] : ['--firmware', this.firmware.elf];
    const p = await startOutpost(['sim', '--relay', this.relay.url, ...firmware, ...args], { cwd: this.dir });
    this.processes.push(p);
    return p;
  }

  /** Starts any other long-running `outpost` command against the relay as the admin. */
  async background(args: string[]): Promise<OutpostProcess> {
    const p = await startOutpost(this.asAdmin(args), { cwd: this.dir });
    this.processes.push(p);
    return p;
  }

  /** SIGKILLs the relay and starts it again on the same data folder and port. */
  async killAndRestartRelay(between: () => Promise<void> = async () => undefined): Promise<void> {
    const { dataDir, port } = this.relay;
    await this.relay.process.stop('SIGKILL');
    await between();
    this.relay = await startRelayProcess({ dataDir, listen: `127.0.0.1:${port}` });
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((p) => p.stop()));
  }

  async close(): Promise<void> {
    await this.stopAll();
    await this.relay?.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
