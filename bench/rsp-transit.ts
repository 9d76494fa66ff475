// Where a tunnelled RSP round trip goes: one small packet and its reply, straight to a stub vs through the tunnel's
// byte pipe (operator side → `outpost relay` → `outpost agent` → stub), with the CPU each process spends on it.
//
//   npx tsx bench/rsp-transit.ts [--trips 3000] [--runs 3] [--pause MS] [--elf FILE]
//
// --pause waits MS between trips, as GDB's own work (about 1 ms per `stepi`) does: the processes go idle between
// packets, and waking an idle process costs more than passing a packet to a busy one.
//
// The stub is an answering machine in a process of its own (every `$…#xx` gets `$OK#9a` at once), so the figures
// are the transit alone: no QEMU, no GDB. The accelerator is off (OUTPOST_RSP_ACCEL=0 for every process) because its
// messages are not one per packet; what it costs on top is in bench/gdb-direct-vs-tunnel.ts. CPU per round trip
// comes from /proc (1/100 s ticks: a run of a few thousand trips keeps that error under a few percent).
// Writes bench/results/rsp-transit.json (or --out).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectGdbSocket } from '../src/agent/targets/gdbConnect';
import { parseHostPort } from '../src/debug/stub/stubConnector';
import { ACCEL_ENV } from '../src/protocol/rspAccel';
import { cpuSeconds } from './support/procStats';
import { sampleFirmware, type SampleFirmware } from './support/sampleFirmware';
import { percentile } from './support/streamPump';
import { startTunnelRig, type TunnelRig } from './support/tunnelRig';

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({
  options: {
    trips: { type: 'string', default: '3000' },
    runs: { type: 'string', default: '3' },
    pause: { type: 'string', default: '0' },
    elf: { type: 'string' },
    out: { type: 'string', default: path.join(root, 'bench', 'results', 'rsp-transit.json') },
  },
});

const REQUEST = Buffer.from('$qC#b4');

// A GDB stub that answers every packet with OK at once, in a process of its own as a real stub is: one reply per
// packet end seen (acks and checksum digits carry no '#').
const STUB_SOURCE = `
const net = require('node:net');
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => { for (const b of chunk) if (b === 0x23) socket.write('$OK#9a'); });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log('stub listening on 127.0.0.1:' + server.address().port));
`;

async function answeringStub(): Promise<{ address: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', STUB_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /stub listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the answering stub exited (${code})`)));
  });
  return { address, process: child };
}

function open(address: string): Promise<Socket> {
  const { host, port } = parseHostPort(address);
  return connectGdbSocket(host, port);
}

/** `trips` request/reply exchanges, one at a time, as GDB does; each trip's time in microseconds. */
async function roundTrips(socket: Socket, trips: number, pauseMs = 0): Promise<number[]> {
  const times: number[] = [];
  let seen = 0;
  let started = 0;
  return new Promise((resolve, reject) => {
    const send = (): void => {
      started = performance.now();
      socket.write(REQUEST);
    };
    const onClose = (): void => finish(new Error(`the connection closed after ${seen} of ${trips} round trips`));
    const finish = (err?: Error): void => {
      socket.off('data', onData).off('error', finish).off('close', onClose);
      if (err) reject(err);
      else resolve(times);
    };
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (byte !== 0x23) continue;
        times.push((performance.now() - started) * 1000);
        if (++seen === trips) return finish();
        if (pauseMs > 0) setTimeout(send, pauseMs);
        else send();
      }
    };
    socket.on('data', onData).once('error', finish).once('close', onClose);
    send();
  });
}

const quantile = (sorted: Float64Array, q: number): number => Math.round(percentile(sorted, q) * 10) / 10;

interface Leg {
  p50: number;
  p90: number;
  p99: number;
  /** CPU microseconds per round trip, per process. */
  cpuUsPerTrip: Record<string, number>;
}

async function measure(address: string, trips: number, pids: Record<string, number>): Promise<Leg> {
  const socket = await open(address);
  try {
    await roundTrips(socket, 200); // warm-up: JIT, buffers
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const times = new Float64Array(await roundTrips(socket, trips, Number(flags.pause))).sort();
    const cpu = Object.fromEntries(
      Object.entries(pids).map(([k, pid]) => [k, Math.round(((cpuSeconds(pid) - before[k]) * 1e6) / trips)]),
    );
    return { p50: quantile(times, 0.5), p90: quantile(times, 0.9), p99: quantile(times, 0.99), cpuUsPerTrip: cpu };
  } finally {
    socket.destroy();
  }
}

async function main(): Promise<void> {
  const trips = Number(flags.trips);
  const runs = Number(flags.runs);
  if (!Number.isInteger(trips) || trips < 100) throw new Error('--trips takes a whole number ≥ 100, e.g. --trips 3000');
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of runs, e.g. --runs 3');
  if (!(Number(flags.pause) >= 0)) throw new Error('--pause takes milliseconds between trips, e.g. --pause 1');
  process.env[ACCEL_ENV] = '0';
  const stub = await answeringStub();
  let rig: TunnelRig | undefined;
  let firmware: SampleFirmware | undefined;
  try {
    firmware = await sampleFirmware(flags.elf);
    const elf = firmware.elf;
    rig = await startTunnelRig(stub.address, elf);
    const direct: Leg[] = [];
    const tunnel: Leg[] = [];
    const stubPid = stub.process.pid ?? NaN;
    for (let i = 0; i < runs; i++) {
      direct.push(await measure(stub.address, trips, { client: process.pid, stub: stubPid }));
      console.log(`run ${i + 1} direct: ${JSON.stringify(direct[i])}`);
      const t = await rig.openTunnel();
      try {
        tunnel.push(await measure(t.address, trips, { operator: process.pid, ...rig.pids, stub: stubPid }));
      } finally {
        await t.close();
      }
      console.log(`run ${i + 1} tunnel: ${JSON.stringify(tunnel[i])}`);
    }
    const mid = (legs: Leg[]): Leg => [...legs].sort((a, b) => a.p50 - b.p50)[Math.floor(legs.length / 2)];
    const d = mid(direct);
    const t = mid(tunnel);
    const ratio = Math.round((t.p50 / d.p50) * 100) / 100;
    console.log(
      `median round trip: direct ${d.p50} µs, tunnel ${t.p50} µs (×${ratio}); CPU µs per trip in the tunnel:`,
    );
    console.log(`  ${JSON.stringify(t.cpuUsPerTrip)} (direct: ${JSON.stringify(d.cpuUsPerTrip)})`);
    const result = {
      when: new Date().toISOString(),
      command: `npx tsx bench/rsp-transit.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
      trips,
      pauseMs: Number(flags.pause),
      direct: { median: d, all: direct },
      tunnel: { median: t, all: tunnel },
      ratioP50: ratio,
    };
    fs.mkdirSync(path.dirname(flags.out), { recursive: true });
    fs.writeFileSync(flags.out, JSON.stringify(result, null, 2) + '\n');
  } finally {
    await rig?.close();
    stub.process.kill('SIGKILL');
    firmware?.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(`rsp-transit: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
