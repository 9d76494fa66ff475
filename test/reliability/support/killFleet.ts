// The fleet a kill test runs against: a relay process that can be SIGKILLed and restarted on its data, its admin
// as an operator, device keys and operator keys on disk, and signed OTA images uploaded for deployments.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentityFile, writeIdentityFile } from '../../../src/common/identityFile';
import { connectOperator, type OperatorClient } from '../../../src/link/operatorClient';
import { uploadArtifact, type DeploymentJson } from '../../../src/link/otaClient';
import type { Role } from '../../../src/protocol/control';
import { generateIdentity, type Identity } from '../../../src/protocol/identity';
import { runOutpost, type CliResult } from '../../helpers/outpostCli';
import { startRelayProcess, type RelayUnderTest } from '../../helpers/relayProcess';
import { signBuild, type Build } from '../../agent/ota/firmwareBuilds';

/** A device registered with the relay: its name, key file and state folder. */
export interface DeviceKey {
  name: string;
  keyFile: string;
  stateDir: string;
}

/** A relay process with its admin, in a temporary folder. Call close() in an after hook. */
export class KillFleet {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-kill-'));
  /** Signs the OTA images; devices pin its public key with --trust. */
  readonly signer: Identity = generateIdentity();

  private constructor(
    public relay: RelayUnderTest,
    public admin: OperatorClient,
  ) {}

  static async start(): Promise<KillFleet> {
    const relay = await startRelayProcess();
    return new KillFleet(
      relay,
      await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKey) }),
    );
  }

  get url(): string {
    return this.relay.url;
  }

  /** SIGKILLs the relay: no close frames, no final write, every link just drops. */
  async killRelay(): Promise<void> {
    this.admin.close();
    await this.relay.process.stop('SIGKILL');
  }

  /** Starts the relay again on the same data folder and port, and reconnects the admin. */
  async restartRelay(): Promise<void> {
    const { dataDir, host } = this.relay;
    this.relay = await startRelayProcess({ dataDir, listen: host });
    this.admin = await connectOperator({ relay: this.relay.url, identity: readIdentityFile(this.relay.adminKey) });
  }

  /** Stops the relay gracefully (SIGTERM), e.g. before reading its SQLite file. */
  async stopRelay(): Promise<void> {
    this.admin.close();
    assert0(await this.relay.stop());
  }

  /** `outpost ARGS…` as the admin (its --relay and --key go before a `--`: what follows belongs to the command). */
  cli(...args: string[]): Promise<CliResult> {
    const cut = args.includes('--') ? args.indexOf('--') : args.length;
    const admin = ['--relay', this.url, '--key', this.relay.adminKey];
    return runOutpost([...args.slice(0, cut), ...admin, ...args.slice(cut)], { cwd: this.dir });
  }

  /** Registers an operator with `role`; resolves with its key file. */
  async operatorKey(name: string, role: Role): Promise<string> {
    const id = generateIdentity();
    await this.admin.request('operators.add', { name, publicKey: id.publicKeyText, role });
    const file = path.join(this.dir, `${name}.key`);
    writeIdentityFile(file, id);
    return file;
  }

  /** Registers a device key and makes its state folder. */
  async addDevice(name: string): Promise<DeviceKey> {
    const id = generateIdentity();
    await this.admin.request('devices.add', { name, publicKey: id.publicKeyText, tags: {} });
    const keyFile = path.join(this.dir, `${name}.key`);
    writeIdentityFile(keyFile, id);
    const stateDir = path.join(this.dir, `${name}-state`);
    fs.mkdirSync(stateDir, { mode: 0o700 });
    return { name, keyFile, stateDir };
  }

  /**
   * Uploads `build` grown to `size` bytes (its flash image plus random filler, so a transfer lasts long enough to
   * strike in) and deploys it to `device`; resolves with the deployment as created and the image size.
   */
  async deploy(build: Build, device: string, size: number): Promise<{ created: DeploymentJson; imageSize: number }> {
    const bin = Buffer.concat([build.bin, randomBytes(Math.max(0, size - build.bin.length))]);
    await uploadArtifact(this.admin, bin, { kind: 'image', buildId: build.buildId });
    const signed = signBuild({ ...build, bin }, this.signer, {
      imageSha256: createHash('sha256').update(bin).digest('hex'),
      imageSize: bin.length,
    });
    const created = await this.admin.request<DeploymentJson>('deployments.create', {
      signed,
      devices: [device],
      healthTimeoutMs: 20_000,
    });
    return { created, imageSize: bin.length };
  }

  async close(): Promise<void> {
    this.admin.close();
    await this.relay.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function assert0(code: number | null): void {
  if (code !== 0) throw new Error(`the relay exited with ${code} on SIGTERM`);
}
