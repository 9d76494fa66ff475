// Idle traffic of one real agent (keepalive, relay heartbeat, telemetry) per hour, against a device that PINGs on every interval.
//
// Runs a relay in this process and measures every byte of the device's WebSocket connection (both directions,
// WebSocket framing included) through a counting TCP proxy. Time is compressed: all intervals (relay heartbeat,
// agent keepalive, telemetry poll and rate limit) are divided by --scale, so --minutes of wall time cover
// minutes × scale minutes of device time; byte counts per interval do not depend on the scale.
//   npx tsx bench/idle-traffic.ts [--minutes 3] [--scale 20] [--heartbeat 30]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, DEFAULT_KEEPALIVE_SEC } from '../src/agent/agent';
import type { Target } from '../src/agent/target';
import { RssiWalk } from '../src/agent/targets/rssiWalk';
import { defaultTelemetryPolicy } from '../src/agent/telemetry';
import { readIdentityFile } from '../src/common/identityFile';
import { silentLogger } from '../src/common/log';
import { connect } from '../src/link/connect';
import { connectOperator } from '../src/link/operatorClient';
import { generateIdentity } from '../src/protocol/identity';
import { startRelay } from '../src/relay';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    scale: { type: 'string', default: '20' },
    /** The relay's heartbeat interval in seconds (the contract's default is 30). */
    heartbeat: { type: 'string', default: '30' },
  },
});
const minutes = Number(flags.minutes);
const scale = Number(flags.scale);
const heartbeatSec = Number(flags.heartbeat);
/** IPv4 + TCP with timestamps, per segment; each message is one segment plus (about) one ACK the other way. */
const tcpIpHeader = 52;

/** Counts the bytes and reads (≈ segments) crossing a TCP proxy. */
async function countingProxy(
  targetPort: number,
): Promise<{ server: Server; url: string; counts: { bytes: number; chunks: number } }> {
  const counts = { bytes: 0, chunks: 0 };
  const server = createServer((client) => {
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.setNoDelay(true);
      from.on('data', (d: Buffer) => {
        counts.bytes += d.length;
        counts.chunks++;
        to.write(d);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return { server, url: `ws://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, counts };
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

async function measure(label: string, run: (url: string) => Promise<() => Promise<void>>, relayPort: number) {
  const proxy = await countingProxy(relayPort);
  const stop = await run(proxy.url);
  await new Promise((r) => setTimeout(r, 2000)); // the handshake and first telemetry are not idle traffic
  const start = { ...proxy.counts };
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  const bytes = proxy.counts.bytes - start.bytes;
  const chunks = proxy.counts.chunks - start.chunks;
  await stop();
  proxy.server.close();
  const perHour = (x: number) => Math.round((x * 60) / (minutes * scale));
  const ws = perHour(bytes);
  const wire = perHour(bytes + chunks * tcpIpHeader * 2);
  console.log(
    `${label}: ${ws} B/hour of WebSocket bytes (${perHour(chunks)} messages/hour), ≈ ${wire} B/hour with TCP/IP headers`,
  );
  return { ws, wire, messages: perHour(chunks) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-idle-bench-'));
  const relay = await startRelay({
    listen: '127.0.0.1:0',
    dataDir: dir,
    log: silentLogger,
    heartbeatMs: (heartbeatSec * 1000) / scale,
  });
  const admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKeyFile) });
  const keepaliveSec = DEFAULT_KEEPALIVE_SEC / scale;
  console.log(
    `idle traffic: ${minutes} min measured × scale ${scale} = ${minutes * scale} device-minutes; relay heartbeat ${heartbeatSec} s, keepalive ${DEFAULT_KEEPALIVE_SEC} s`,
  );
  const agentResult = await measure(
    'agent (PING only when the link is silent; telemetry on change)',
    async (url) => {
      const identity = generateIdentity();
      await admin.request('devices.add', { name: 'idle-agent', publicKey: identity.publicKeyText, tags: {} });
      const agent = new Agent({
        relay: url,
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
      await agent.start();
      await agent.whenConnected();
      return () => agent.stop();
    },
    relay.port,
  );
  const baseline = await measure(
    `baseline (application PING every ${DEFAULT_KEEPALIVE_SEC} s regardless, no telemetry)`,
    async (url) => {
      const identity = generateIdentity();
      await admin.request('devices.add', { name: 'idle-pinger', publicKey: identity.publicKeyText, tags: {} });
      const conn = await connect(url, identity, { keepaliveSec, keepalivePolicy: 'always' });
      return async () => conn.close();
    },
    relay.port,
  );
  console.log(
    `agent / baseline: ${(agentResult.ws / baseline.ws).toFixed(2)} (WebSocket bytes); target ≤ 2048 B/hour: ${agentResult.ws <= 2048 ? 'met' : 'NOT met'} at the WebSocket level`,
  );
  admin.close();
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(`idle-traffic bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
