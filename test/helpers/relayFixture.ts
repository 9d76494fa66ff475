// Test fixture: a real relay in a temporary data directory, its admin as an operator client, and helpers to register peers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdentityFile } from '../../src/common/identityFile';
import { silentLogger } from '../../src/common/log';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import type { Role } from '../../src/protocol/control';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { startRelay, type RunningRelay } from '../../src/relay';
import { freshKnownDevicesFile } from './knownDevicesIsolation';

export interface RelayFixture {
  relay: RunningRelay;
  url: string;
  admin: OperatorClient;
  /** Registers a new operator key with `role` and returns its identity. */
  addOperator(name: string, role: Role): Promise<Identity>;
  /** Registers a new device key and returns its identity. */
  addDevice(name: string): Promise<Identity>;
  /** Operator clients opened through `operator()`, closed by `close()`. */
  operator(identity: Identity, relayUrl?: string): Promise<OperatorClient>;
  close(): Promise<void>;
}

/** Starts a relay on an ephemeral port. Call close() in an after hook. */
export async function startRelayFixture(heartbeatMs?: number): Promise<RelayFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-relay-'));
  freshKnownDevicesFile();
  const relay = await startRelay({ listen: '127.0.0.1:0', dataDir: dir, log: silentLogger, heartbeatMs });
  const clients: OperatorClient[] = [];
  const operator = async (identity: Identity, relayUrl = relay.url): Promise<OperatorClient> => {
    const client = await connectOperator({ relay: relayUrl, identity });
    clients.push(client);
    return client;
  };
  const admin = await operator(readIdentityFile(relay.adminKeyFile));
  return {
    relay,
    url: relay.url,
    admin,
    operator,
    async addOperator(name, role) {
      const id = generateIdentity();
      await admin.request('operators.add', { name, publicKey: id.publicKeyText, role });
      return id;
    },
    async addDevice(name) {
      const id = generateIdentity();
      await admin.request('devices.add', { name, publicKey: id.publicKeyText, tags: {} });
      return id;
    },
    async close() {
      for (const c of clients) c.close();
      await relay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
