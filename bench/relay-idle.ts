// Relay capacity bench: memory per idle device connection and reconnect-storm absorption.
//
// Runs `outpost relay` in its own process and N lightweight fake devices (raw `ws` + the real signed handshake)
// in this one, on loopback only. Idle traffic per device-hour is bench/idle-traffic.ts (real agents, counted on
// the wire): the relay no longer pings devices, so these silent fake devices would show none. Usage:
//   npx tsx bench/relay-idle.ts [--counts 1000,10000] [--storm-count 10000]
// Prints one line per measurement and writes bench/results/relay-idle.json.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateIdentity } from '../src/protocol/identity';
import { connectAll, FakeDevice } from './support/fakeDevice';
import { cpuSeconds, rssBytes } from './support/procStats';
import { registerDevices } from './support/registerDevices';

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({
  options: {
    counts: { type: 'string', default: '1000,10000' },
    'storm-count': { type: 'string', default: '10000' },
  },
});
const counts = flags.counts.split(',').map(Number);
const stormCount = Number(flags['storm-count']);
/** Source addresses the fake devices spread over, so 10,000 sockets do not crowd one address's port range. */
const sourceAddresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function buildCli(): string {
  const out = path.join(root, '.outpost', 'bench-build');
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/webpack/bin/webpack.js'),
      '--mode',
      'production',
      '--config-name',
      'cli',
      '--output-path',
      out,
    ],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  return path.join(out, 'outpost.js');
}

interface Relay {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

async function startRelay(cli: string, dataDir: string, port = 0): Promise<Relay> {
  const child = spawn(process.execPath, [cli, 'relay', '--listen', `127.0.0.1:${port}`, '--data', dataDir], {
    env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const actual = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay did not start')), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /relay listening on ws:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return {
    child,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

async function run(): Promise<void> {
  const cli = buildCli();
  const results: Record<string, unknown>[] = [];
  const agents = sourceAddresses.map(
    (localAddress) => new http.Agent({ keepAlive: true, maxSockets: 256, localAddress }),
  );
  for (const n of counts) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-relay-'));
    let relay = await startRelay(cli, dataDir);
    const url = `ws://127.0.0.1:${relay.port}`;
    const identities = Array.from({ length: n }, () => generateIdentity());
    await registerDevices(url, path.join(dataDir, 'admin.key'), identities, 'bench-', { bench: 'idle' });
    await sleep(2000);
    const baseline = rssBytes(relay.child.pid!);
    const devices = identities.map(
      (id, i) =>
        new FakeDevice(id, relay.port, {
          agent: agents[i % agents.length],
          localAddress: sourceAddresses[i % sourceAddresses.length],
        }),
    );
    const connectSeconds = await connectAll(devices, 100);
    const connected = devices.filter((d) => d.open).length;
    await sleep(5000);
    const loaded = rssBytes(relay.child.pid!);
    const perConnection = (loaded - baseline) / connected;
    const line: Record<string, unknown> = {
      devices: n,
      connected,
      connectSeconds,
      relayRssBaselineMiB: +(baseline / 2 ** 20).toFixed(1),
      relayRssLoadedMiB: +(loaded / 2 ** 20).toFixed(1),
      bytesPerIdleConnection: Math.round(perConnection),
      projectedRssFor10kMiB: +((baseline + perConnection * 10_000) / 2 ** 20).toFixed(1),
    };
    console.log(
      `relay idle: ${n} devices (${connected} connected in ${connectSeconds.toFixed(1)} s): RSS ${line.relayRssBaselineMiB} → ${line.relayRssLoadedMiB} MiB, ${(perConnection / 1024).toFixed(1)} KiB per idle connection; 10,000 devices ≈ ${line.projectedRssFor10kMiB} MiB (target ≤ 1024 MiB)`,
    );

    if (n === stormCount) {
      devices.forEach((d) => (d.reconnect = true));
      const port = relay.port;
      await relay.stop();
      relay = await startRelay(cli, dataDir, port);
      const up = Date.now();
      const clientCpu = process.cpuUsage();
      let all = 0;
      let cpu = 0;
      for (let i = 0; i < 1200 && all === 0; i++) {
        await sleep(100);
        if (devices.every((d) => d.open)) {
          all = Date.now();
          cpu = cpuSeconds(relay.child.pid!);
        }
      }
      const back = devices.filter((d) => d.open).length;
      line.stormReconnected = back;
      line.stormAbsorbSeconds = all ? (all - up) / 1000 : null;
      line.stormRelayCpuSeconds = +cpu.toFixed(1);
      const used = process.cpuUsage(clientCpu);
      line.stormBenchClientCpuSeconds = +((used.user + used.system) / 1e6).toFixed(1);
      const times = devices.map((d) => (d.connectedAt - up) / 1000).sort((a, b) => a - b);
      line.stormReconnectSecondsP50 = +times[Math.floor(times.length * 0.5)].toFixed(1);
      line.stormReconnectSecondsP90 = +times[Math.floor(times.length * 0.9)].toFixed(1);
      line.stormFailedAttempts = devices.reduce((s, d) => s + d.failures, 0);
      const reasons = new Map<string, number>();
      devices.forEach((d) => d.reasons.forEach((k, why) => reasons.set(why, (reasons.get(why) ?? 0) + k)));
      line.stormFailureReasons = Object.fromEntries(reasons);
      console.log(
        `relay reconnect storm: ${back}/${n} devices back ${all ? `in ${line.stormAbsorbSeconds} s after the restarted relay was ready` : 'NOT within 120 s'} (agent backoff 1 s → 60 s, jittered; p50 ${line.stormReconnectSecondsP50} s, p90 ${line.stormReconnectSecondsP90} s; relay CPU ${line.stormRelayCpuSeconds} s, fake devices' CPU ${line.stormBenchClientCpuSeconds} s; ${line.stormFailedAttempts} failed attempts: ${JSON.stringify(line.stormFailureReasons)}) (target ≤ 30 s)`,
      );
    }
    results.push(line);
    devices.forEach((d) => d.stop());
    await relay.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  agents.forEach((a) => a.destroy());
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench', 'results', 'relay-idle.json'),
    JSON.stringify({ when: new Date().toISOString(), results }, null, 2) + '\n',
  );
}

run().catch((err: unknown) => {
  console.error(`relay-idle bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
