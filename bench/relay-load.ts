// Relay under load: 1,000 fake devices keeping their keepalive on `outpost relay` (its own process), 50 of them
// tunnelling sequence-numbered streams both ways on E2E rsp channels to 50 operator clients; against the same streams
// over direct WebSocket connections (one hop fewer, no relay, no E2E) in the same run.
//   npx tsx bench/relay-load.ts [--devices 1000] [--tunnels 50] [--seconds 60] [--rate 20] [--bursts]
// --bursts adds the load test's credit pressure (320 KiB bursts every 20 s, readers stalling 0.5 s every 7 s) to both legs.
// Prints the figures and writes bench/results/relay-load.json.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startRelayProcess } from '../test/helpers/relayProcess';
import { openDirectPairs } from './support/directPairs';
import { runRelayLoad } from './support/relayLoad';
import { percentile, pumpStreams, type StreamRun, type StreamWorkload } from './support/streamPump';

const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    tunnels: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '20' },
    bursts: { type: 'boolean', default: false },
  },
});
const devices = Number(flags.devices);
const tunnels = Number(flags.tunnels);
const workload: StreamWorkload = {
  seconds: Number(flags.seconds),
  ratePerStream: Number(flags.rate),
  ...(flags.bursts && { burst: { everyMs: 20_000, bytes: 320 * 1024 }, stall: { everyMs: 7_000, ms: 500 } }),
  drainMs: 60_000,
};
const mib = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);

/** Latency percentiles, throughput and the correctness counts of one leg. */
function figures(run: StreamRun) {
  const ms = (q: number) => +percentile(run.latenciesMs, q).toFixed(2);
  const seconds = run.sendSeconds + run.drainedMs / 1000;
  const sum = (k: 'sent' | 'lost' | 'duplicated' | 'reordered' | 'corrupted') =>
    run.verdicts.reduce((n, v) => n + v[k], 0);
  return {
    latencyMs: { p50: ms(0.5), p90: ms(0.9), p99: ms(0.99), max: ms(1) },
    messagesPerSecond: Math.round(run.deliveredMessages / seconds),
    mibPerSecond: +(run.deliveredBytes / 2 ** 20 / seconds).toFixed(2),
    messages: run.deliveredMessages,
    sent: sum('sent'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    reordered: sum('reordered'),
    corrupted: sum('corrupted'),
    errors: run.errors,
  };
}

function line(name: string, f: ReturnType<typeof figures>): string {
  const l = f.latencyMs;
  return `${name}: ${f.messages} messages (${f.messagesPerSecond}/s, ${f.mibPerSecond} MiB/s); latency p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms; lost ${f.lost}, duplicated ${f.duplicated}, reordered ${f.reordered}, corrupted ${f.corrupted}${f.errors.length ? `; errors: ${f.errors.join('; ')}` : ''}`;
}

async function main(): Promise<void> {
  const relay = await startRelayProcess({ extraArgs: ['--heartbeat', '5s'], env: { OUTPOST_LOG_LEVEL: 'info' } });
  let load;
  try {
    load = await runRelayLoad(
      { ...relay, pid: relay.process.child.pid! },
      { devices, tunnels, keepaliveSec: 5, workload, log: (l) => console.log(`  ${l}`) },
    );
    if (load.streams.errors.length > 0 || load.deviceDrops.length > 0)
      console.error(`relay log (last lines):\n${relay.process.stderr().slice(-4000)}`);
  } catch (err) {
    console.error(`relay log (last lines):\n${relay.process.stderr().slice(-4000)}`);
    throw err;
  } finally {
    await relay.stop();
    fs.rmSync(path.dirname(relay.dataDir), { recursive: true, force: true });
  }
  const viaRelay = figures(load.streams);
  console.log(line(`through the relay (${tunnels} E2E rsp tunnels, ${devices} devices online)`, viaRelay));
  const r = load.relay;
  const relayFigures = {
    rssStartMiB: mib(r.rssStartBytes),
    rssPeakMiB: mib(r.rssPeakBytes),
    rssEndMiB: mib(r.rssEndBytes),
    /** RSS every 10 s of the run. */
    rssEvery10sMiB: r.rssSamplesBytes.filter((_, i) => i % 10 === 0).map(mib),
    cpuSeconds: +r.cpuSeconds.toFixed(1),
    cpuPercentOfOneCore: Math.round((100 * r.cpuSeconds) / r.seconds),
  };
  console.log(
    `relay process: RSS ${relayFigures.rssStartMiB} → peak ${relayFigures.rssPeakMiB} → ${relayFigures.rssEndMiB} MiB (every 10 s: ${relayFigures.rssEvery10sMiB.join(', ')}); CPU ${relayFigures.cpuSeconds} s in ${r.seconds.toFixed(0)} s (${relayFigures.cpuPercentOfOneCore} % of one core); devices connected in ${load.connectSeconds.toFixed(1)} s; offline during the run ${load.wentOffline.length}, dropped ${load.deviceDrops.length}; keepalive ${load.keepalive.pongs}/${load.keepalive.pingsSent} answered (max ${load.keepalive.maxPongMs.toFixed(0)} ms); tunnels closed cleanly ${load.tunnelsClosedCleanly}/${tunnels}; longest event-loop delay of the clients' process ${load.clientLoopDelayMaxMs.toFixed(0)} ms`,
  );

  const direct = await openDirectPairs(tunnels);
  let directRun: StreamRun;
  try {
    directRun = await pumpStreams(direct.pairs, workload);
  } finally {
    await direct.close();
  }
  const viaDirect = figures(directRun);
  console.log(line(`direct WebSocket (${tunnels} connections, no relay)`, viaDirect));
  const ratio = (a: number, b: number) => +(a / b).toFixed(2);
  const ratios = {
    p50: ratio(viaRelay.latencyMs.p50, viaDirect.latencyMs.p50),
    p90: ratio(viaRelay.latencyMs.p90, viaDirect.latencyMs.p90),
    p99: ratio(viaRelay.latencyMs.p99, viaDirect.latencyMs.p99),
    max: ratio(viaRelay.latencyMs.max, viaDirect.latencyMs.max),
    throughput: ratio(viaRelay.mibPerSecond, viaDirect.mibPerSecond),
  };
  console.log(
    `relay / direct: latency p50 ${ratios.p50}×, p90 ${ratios.p90}×, p99 ${ratios.p99}×, max ${ratios.max}×; throughput ${ratios.throughput}× (same offered load)`,
  );
  const out = path.join(__dirname, 'results', 'relay-load.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        when: new Date().toISOString(),
        loadAverage: (await import('node:os')).loadavg(),
        options: { devices, tunnels, workload },
        relay: {
          ...viaRelay,
          process: relayFigures,
          connectSeconds: +load.connectSeconds.toFixed(1),
          wentOffline: load.wentOffline.length,
          deviceDrops: load.deviceDrops.length,
          onlineAtEnd: load.onlineAtEnd,
          healthzMinDevices: load.healthzMinDevices,
          keepalive: load.keepalive,
          tunnelsClosedCleanly: load.tunnelsClosedCleanly,
          clientLoopDelayMaxMs: Math.round(load.clientLoopDelayMaxMs),
        },
        direct: viaDirect,
        ratios,
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(`relay-load bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
