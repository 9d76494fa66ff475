// The relay load rig: fake devices keeping their keepalive, tunnels on rsp channels from operator clients to some of
// them, sequence-numbered streams both ways, relay presence and the relay process's memory and CPU.
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { readIdentityFile } from '../../src/common/identityFile';
import { silentLogger } from '../../src/common/log';
import type { Channel } from '../../src/link/channel';
import { Connection } from '../../src/link/connection';
import { connectOperator, type OperatorClient } from '../../src/link/operatorClient';
import { CloseCode } from '../../src/protocol/closeCodes';
import { generateIdentity, type Identity } from '../../src/protocol/identity';
import { connectAll, FakeDevice } from './fakeDevice';
import { PresenceWatch } from './presenceWatch';
import { watchProcess, type ProcessUsage } from './procStats';
import { registerDevices } from './registerDevices';
import { pumpStreams, type StreamRun, type StreamWorkload } from './streamPump';

/** The relay under load: a separate process (its pid is watched) and where to reach it. */
export interface LoadedRelay {
  url: string;
  port: number;
  httpUrl: string;
  adminKey: string;
  pid: number;
}

/** The shape of the load. */
export interface RelayLoadOptions {
  devices: number;
  /** Devices that serve one tunnel each, spread over the fleet; each has its own operator client. */
  tunnels: number;
  /** Keepalive every device declares and keeps (seconds, 5 at least). */
  keepaliveSec: number;
  workload: StreamWorkload;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What the load did to the relay and what came through it. */
export interface RelayLoadResult {
  devicesConnected: number;
  connectSeconds: number;
  streams: StreamRun;
  /** Devices the relay reported offline while the streams ran. */
  wentOffline: string[];
  /** Devices the relay showed online when the streams stopped (fleet events) and at its lowest on /healthz. */
  onlineAtEnd: number;
  healthzMinDevices: number;
  /** Connections of devices that ended during the run, with their close codes. */
  deviceDrops: { device: string; code: number }[];
  /**
   * Keepalive of the devices that serve no tunnel: PINGs sent and answered, the fewest PONGs one device got, and how
   * many devices have more than the one PING that may still be in flight unanswered.
   */
  keepalive: {
    devices: number;
    pingsSent: number;
    pongs: number;
    fewestPongs: number;
    devicesUnanswered: number;
    maxPongMs: number;
  };
  /** Tunnels closed in order afterwards (CLOSE 4000 seen at both ends, no error). */
  tunnelsClosedCleanly: number;
  relay: ProcessUsage;
  /**
   * Longest event-loop delay of this (the clients') process while the streams ran, ms: a client starved of CPU for
   * longer than a keepalive interval is rightly cut off by the relay, which is no relay fault.
   */
  clientLoopDelayMaxMs: number;
}

const PREFIX = 'load-';

async function healthzDevices(httpUrl: string): Promise<number> {
  const res = await fetch(`${httpUrl}/healthz`);
  return ((await res.json()) as { devices: number }).devices;
}

/** Resolves when `stream` closed; true when it ended normally (no error). */
function closedCleanly(stream: Duplex, timeoutMs: number): Promise<boolean> {
  if (stream.closed) return Promise.resolve(!stream.errored);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve(!stream.errored);
    });
  });
}

/** Runs the load against `relay` (already started, empty) and reports; every client it made is gone afterwards. */
export async function runRelayLoad(relay: LoadedRelay, options: RelayLoadOptions): Promise<RelayLoadResult> {
  const log = options.log ?? (() => undefined);
  const ids = Array.from({ length: options.devices }, () => generateIdentity());
  await registerDevices(relay.url, relay.adminKey, ids, PREFIX, { load: 'relay' });
  const admin = await connectOperator({ relay: relay.url, identity: readIdentityFile(relay.adminKey) });
  const operators: OperatorClient[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const devices = ids.map((id) => new FakeDevice(id, relay.port, { agent, keepaliveSec: options.keepaliveSec }));
  try {
    const opIds: Identity[] = [];
    for (let t = 0; t < options.tunnels; t++) {
      const id = generateIdentity();
      await admin.request('operators.add', { name: `load-op-${t}`, publicKey: id.publicKeyText, role: 'debugger' });
      opIds.push(id);
    }
    log(`registered ${options.devices} devices and ${options.tunnels} operators`);

    const connectSeconds = await connectAll(devices, 50);
    const devicesConnected = devices.filter((d) => d.open).length;
    if (devicesConnected < options.devices)
      throw new Error(`only ${devicesConnected} of ${options.devices} devices connected`);
    log(`${devicesConnected} devices connected in ${connectSeconds.toFixed(1)} s`);

    // Tunnel devices hand their socket to the link's Connection, which serves rsp channels as the agent's does.
    const tunnelAt = Array.from({ length: options.tunnels }, (_, t) =>
      Math.floor((t * options.devices) / options.tunnels),
    );
    const served = new Map<number, Promise<Channel>>();
    for (const i of tunnelAt) {
      const conn = new Connection(devices[i].ws!, {
        identity: ids[i],
        log: silentLogger,
        keepaliveSec: options.keepaliveSec,
        keepalivePolicy: 'when-silent',
      });
      served.set(
        i,
        new Promise((resolve) =>
          conn.acceptChannels((req) =>
            req.kind === 'rsp' ? resolve(req.accept()) : req.refuse(CloseCode.CHANNEL_REFUSED, 'rsp only'),
          ),
        ),
      );
    }
    const idle = devices.filter((_, i) => !served.has(i));
    idle.forEach((d) => d.startKeepalive());

    const presence = await PresenceWatch.start(admin, PREFIX);
    await presence.waitOnline(options.devices, 60_000);
    presence.arm();

    const pairs: [Duplex, Duplex][] = await Promise.all(
      tunnelAt.map(async (i, t) => {
        const op = await connectOperator({ relay: relay.url, identity: opIds[t] });
        operators.push(op);
        const channel = await op.openChannel(`${PREFIX}${i}`, 'rsp');
        if (!channel.encrypted) throw new Error('an rsp channel came up without end-to-end encryption');
        return [channel, await served.get(i)!] as [Duplex, Duplex];
      }),
    );
    log(`${pairs.length} tunnels open; streaming for ${options.workload.seconds} s`);

    const watch = watchProcess(relay.pid);
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    let healthzMin = await healthzDevices(relay.httpUrl);
    const healthz = setInterval(() => {
      healthzDevices(relay.httpUrl).then(
        (n) => (healthzMin = Math.min(healthzMin, n)),
        () => (healthzMin = 0),
      );
    }, 5000);
    const streams = await pumpStreams(pairs, options.workload, log);
    clearInterval(healthz);
    healthzMin = Math.min(healthzMin, await healthzDevices(relay.httpUrl));
    const usage = watch.stop();
    loopDelay.disable();
    const onlineAtEnd = presence.onlineCount;

    // An orderly end: the operator closes each tunnel (CLOSE 4000), both ends see end-of-stream and no error.
    const ends = pairs.map(([op, dev]) => Promise.all([closedCleanly(op, 10_000), closedCleanly(dev, 10_000)]));
    for (const [op] of pairs) op.end();
    const tunnelsClosedCleanly = (await Promise.all(ends)).filter(([a, b]) => a && b).length;
    // Copied now: the clean-up below takes every device offline on purpose.
    const wentOffline = [...presence.wentOffline];
    const deviceDrops = devices.flatMap((d, i) => d.drops.map((code) => ({ device: `${PREFIX}${i}`, code })));

    return {
      devicesConnected,
      connectSeconds,
      streams,
      wentOffline,
      onlineAtEnd,
      healthzMinDevices: healthzMin,
      deviceDrops,
      keepalive: {
        devices: idle.length,
        pingsSent: idle.reduce((n, d) => n + d.pingsSent, 0),
        pongs: idle.reduce((n, d) => n + d.pongs, 0),
        fewestPongs: Math.min(...idle.map((d) => d.pongs)),
        devicesUnanswered: idle.filter((d) => d.pingsSent - d.pongs > 1).length,
        maxPongMs: idle.reduce((m, d) => Math.max(m, d.maxPongMs), 0),
      },
      tunnelsClosedCleanly,
      relay: usage,
      clientLoopDelayMaxMs: loopDelay.max / 1e6,
    };
  } finally {
    operators.forEach((op) => op.close());
    devices.forEach((d) => d.stop());
    admin.close();
    agent.destroy();
  }
}
