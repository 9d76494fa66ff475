// The full RSP tunnel on loopback, as users run it: `outpost relay` and `outpost agent --target gdb://STUB` as their own
// processes, and in this process the stdio debug adapter's relay connector (operator link, local GDB port).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentityFile, writeIdentityFile } from '../../src/common/identityFile';
import { silentLogger } from '../../src/common/log';
import type { StubEndpoint } from '../../src/debug/stub/stubConnector';
import { relayDeviceConnector } from '../../src/debug/tunnel/relayDeviceConnector';
import { connectOperator } from '../../src/link/operatorClient';
import { generateIdentity } from '../../src/protocol/identity';

const root = path.resolve(__dirname, '..', '..');
const DEVICE = 'bench-01';

/** A running relay and agent; openTunnel() gives the operator side of one debug session. */
export interface TunnelRig {
  /**
   * Opens a tunnel as the stdio adapter does for one session (operator link, rsp channel, local port): GDB connects
   * to `address`. The device's stub stays taken until close(), so the direct leg must not run meanwhile.
   */
  openTunnel(): Promise<{ address: string; close(): Promise<void> }>;
  relay: string;
  device: string;
  /** The operator key file (role debugger) the tunnel's link uses. */
  operatorKey: string;
  /** Process ids of the relay and the agent (for CPU accounting). */
  pids: { relay: number; agent: number };
  close(): Promise<void>;
}

/** `node --import tsx src/cli/main.ts ARGS…`, resolved once its stdout matches `ready`. */
async function startCli(args: string[], ready: RegExp | undefined): Promise<{ child: ChildProcess; match?: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, OUTPOST_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  if (!ready) return { child };
  const match = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`outpost ${args[0]} did not start: ${err}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve([...m]);
      }
    });
    child.once('exit', (code) => reject(new Error(`outpost ${args[0]} exited (${code}): ${err}`)));
  });
  return { child, match };
}

/** Starts relay and agent in front of the GDB stub at `stub` (HOST:PORT) and opens the operator-side tunnel. */
export async function startTunnelRig(stub: string, firmware: string): Promise<TunnelRig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-rig-'));
  const children: ChildProcess[] = [];
  const close = async (): Promise<void> => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const relayProc = await startCli(
      ['relay', '--listen', '127.0.0.1:0', '--data', dir],
      /relay listening on (ws:\/\/\S+)/,
    );
    children.push(relayProc.child);
    const relay = relayProc.match?.[1] ?? '';
    const admin = await connectOperator({ relay, identity: readIdentityFile(path.join(dir, 'admin.key')) });
    const deviceId = generateIdentity();
    const operatorId = generateIdentity();
    await admin.request('devices.add', { name: DEVICE, publicKey: deviceId.publicKeyText, tags: {} });
    await admin.request('operators.add', { name: 'bench', publicKey: operatorId.publicKeyText, role: 'debugger' });
    const deviceKey = path.join(dir, 'device.key');
    const operatorKey = path.join(dir, 'operator.key');
    writeIdentityFile(deviceKey, deviceId);
    writeIdentityFile(operatorKey, operatorId);
    const agent = await startCli(
      ['agent', '--relay', relay, '--key', deviceKey, '--target', `gdb://${stub}`, '--firmware', firmware],
      undefined,
    );
    children.push(agent.child);
    for (let i = 0; ; i++) {
      const devices = await admin.request('devices.list');
      if (devices.find((d) => d.name === DEVICE)?.online) break;
      if (i > 300) throw new Error('the bench agent did not come online');
      await new Promise((r) => setTimeout(r, 100));
    }
    admin.close();
    const connector = relayDeviceConnector({ relay, key: operatorKey, log: silentLogger });
    const openTunnel = async (): Promise<{ address: string; close(): Promise<void> }> => {
      const context = { log: () => undefined, signal: new AbortController().signal, trace: false };
      const endpoint: StubEndpoint = await connector.open({ device: DEVICE }, context);
      return { address: `${endpoint.host}:${endpoint.port}`, close: () => endpoint.dispose() };
    };
    const pids = { relay: relayProc.child.pid ?? NaN, agent: agent.child.pid ?? NaN };
    return { openTunnel, relay, device: DEVICE, operatorKey, pids, close };
  } catch (err) {
    await close();
    throw err;
  }
}
