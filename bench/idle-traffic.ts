// Idle traffic of real agents per device-hour, counted on the wire (IP packets and bytes) in a private network namespace.
//
// The bench re-runs itself under `unshare --net` (needs root) with only loopback up, so the loopback counters of
// /proc/net/dev hold exactly the traffic between the relay and the devices of this bench: IP and TCP headers,
// pure ACKs and WebSocket framing included, nothing estimated (loopback counts IP bytes: no link-layer header).
// A cellular link adds its own radio framing on top, the same for every design compared here.
//
// Time is compressed: every interval (relay heartbeat, keepalive, telemetry poll and rate limit) is divided by
// --scale, so --minutes of wall time cover minutes × scale device-minutes; what is sent per interval does not
// depend on the scale (TCP's delayed ACK is not scaled, and is far shorter than any interval here).
//   npx tsx bench/idle-traffic.ts [--minutes 4] [--scale 30] [--devices 10]
// Prints one line per case and writes bench/results/idle-traffic.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, DEFAULT_KEEPALIVE_SEC } from '../src/agent/agent';
import type { Target } from '../src/agent/target';
import { RssiWalk } from '../src/agent/targets/rssiWalk';
import { defaultTelemetryPolicy } from '../src/agent/telemetry';
import { readIdentityFile } from '../src/common/identityFile';
import { silentLogger } from '../src/common/log';
import { connect } from '../src/link/connect';
import { connectOperator } from '../src/link/operatorClient';
import { generateIdentity, type Identity } from '../src/protocol/identity';
import { isKeepaliveSec } from '../src/protocol/keepalive';
import { startRelay, type RunningRelay } from '../src/relay';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '4' },
    scale: { type: 'string', default: '30' },
    devices: { type: 'string', default: '10' },
  },
});
const minutes = Number(flags.minutes);
const scale = Number(flags.scale);
const deviceCount = Number(flags.devices);
/** The relay's default heartbeat (operators only now); the old design pinged every device at this rhythm. */
const heartbeatSec = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Loopback's transmit counters (each packet crosses loopback once, so tx = everything). */
function loopback(): { bytes: number; packets: number } {
  const line = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith('lo:'));
  if (!line) throw new Error('no loopback interface in /proc/net/dev');
  const f = line.split(':')[1].trim().split(/\s+/).map(Number);
  return { bytes: f[8], packets: f[9] };
}

/** True when this process sees no interface but loopback: a namespace of its own. */
function inPrivateNetns(): boolean {
  const names = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0].trim())
    .filter(Boolean);
  return names.length === 1 && names[0] === 'lo';
}

const benchTarget = (): Target => {
  const walk = new RssiWalk();
  return {
    kind: 'gdb',
    start: async () => undefined,
    connectGdb: () => Promise.reject(new Error('no stub in this bench')),
    firmware: () => ({ version: '1.4.2', buildId: '5f1c0e9a2b7d4e61', board: 'stm32u5-sim' }),
    rssi: () => walk.next(),
    stop: async () => undefined,
  };
};

interface CaseResult {
  label: string;
  devices: number;
  packetsPerDeviceHour: number;
  bytesPerDeviceHour: number;
}

/** Starts a relay, registers `n` devices, runs `start` for each, counts loopback for the window, stops everything. */
async function measure(
  label: string,
  start: (relay: RunningRelay, identity: Identity) => Promise<() => Promise<void>>,
): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-idle-bench-'));
  const relay = await startRelay({
    listen: '127.0.0.1:0',
    dataDir: dir,
    log: silentLogger,
    heartbeatMs: (heartbeatSec * 1000) / scale,
  });
  const admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKeyFile) });
  const identities = Array.from({ length: deviceCount }, () => generateIdentity());
  for (const [i, id] of identities.entries()) {
    await admin.request('devices.add', { name: `idle-${i}`, publicKey: id.publicKeyText, tags: {} });
  }
  // The relay pings operators: none may be connected while the devices are counted.
  admin.close();
  const stops = await Promise.all(identities.map((id) => start(relay, id)));
  await sleep(2000); // handshakes, the first telemetry and the RTT sample are not idle traffic
  const before = loopback();
  await sleep(minutes * 60_000);
  const after = loopback();
  await Promise.all(stops.map((stop) => stop()));
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
  const perDeviceHour = (x: number) => Math.round((x * 60) / (minutes * scale) / deviceCount);
  const result = {
    label,
    devices: deviceCount,
    packetsPerDeviceHour: perDeviceHour(after.packets - before.packets),
    bytesPerDeviceHour: perDeviceHour(after.bytes - before.bytes),
  };
  console.log(
    `${label}: ${result.bytesPerDeviceHour} B/device-hour on the wire (IP), ${result.packetsPerDeviceHour} packets/device-hour`,
  );
  return result;
}

async function main(): Promise<void> {
  const keepaliveSec = DEFAULT_KEEPALIVE_SEC / scale;
  if (!isKeepaliveSec(keepaliveSec))
    throw new Error(`--scale ${scale}: ${DEFAULT_KEEPALIVE_SEC} s / scale must be whole seconds of at least 5`);
  console.log(
    `idle traffic: ${deviceCount} devices, ${minutes} min measured × scale ${scale} = ${minutes * scale} device-minutes each; loopback of a private network namespace`,
  );
  const agent = await measure(
    `agent, keepalive ${DEFAULT_KEEPALIVE_SEC} s declared (relay never pings devices), telemetry on change (RSSI random walk)`,
    async (relay, identity) => {
      const a = new Agent({
        relay: relay.url,
        identity,
        target: benchTarget(),
        keepaliveSec,
        log: silentLogger,
        telemetryPollMs: 5000 / scale,
        telemetryPolicy: {
          ...defaultTelemetryPolicy,
          rssiMinIntervalMs: defaultTelemetryPolicy.rssiMinIntervalMs / scale,
        },
      });
      await a.start();
      await a.whenConnected();
      return () => a.stop();
    },
  );
  const before = await measure(
    `before: one keepalive exchange every ${heartbeatSec} s (the relay's old ping of every device), no telemetry`,
    async (relay, identity) => {
      const conn = await connect(relay.url, identity, {
        keepaliveSec: heartbeatSec / scale,
        keepalivePolicy: 'always',
      });
      return async () => conn.close();
    },
  );
  console.log(
    `agent / before: ${(agent.bytesPerDeviceHour / before.bytesPerDeviceHour).toFixed(3)}; target ≤ 2048 B/device-hour on the wire: ${agent.bytesPerDeviceHour <= 2048 ? 'met' : 'NOT met'}`,
  );
  const out = resolve(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'idle-traffic.json'),
    JSON.stringify({ when: new Date().toISOString(), minutes, scale, results: [agent, before] }, null, 2) + '\n',
  );
}

if (inPrivateNetns()) {
  main().catch((err: unknown) => {
    console.error(`idle-traffic bench failed: ${(err as Error).message}`);
    process.exitCode = 1;
  });
} else {
  // Same node, same loader flags, same script and arguments, inside a fresh network namespace with loopback up.
  const run = spawnSync(
    'unshare',
    [
      '--net',
      'sh',
      '-c',
      'ip link set lo up && exec "$@"',
      'sh',
      process.execPath,
      ...process.execArgv,
      process.argv[1],
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  if (run.error || run.status !== 0) {
    if (run.error) console.error(`idle-traffic bench: cannot run unshare --net (${run.error.message}); run it as root`);
    process.exitCode = run.status ?? 1;
  }
}
