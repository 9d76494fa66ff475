// Debugging over an emulated cellular link: wall time and RSP round trips per DAP request, through a plain TCP
// forward (what `ssh -L` gives) and through Outpost's tunnel, on the same link and the same QEMU.
//
// Usage (root; iproute2):
//   npx tsx bench/debug-link.ts [--delay 75] [--loss 1] [--runs 1]
// Link: scripts/netem.sh, --delay ms per direction (RTT = 2 × delay), no loss, then a second row with --loss %
// (--loss 0 skips it). Namespace B holds QEMU (the sample firmware, stub on B's loopback) behind a counting
// forwarder (bench/support/rspCountingForward.ts) listening on all of B's addresses, and `outpost agent --target
// gdb://` that forwarder. Namespace A holds `outpost relay` and the stdio debug adapter, driven by DebugClient
// (bench/support/debugLinkClient.ts).
//   plain:   adapter in A, `gdbTarget: <B>:<forwarder>`: every RSP packet crosses the link.
//   outpost: adapter in A, `device` + `relay` + `identityFile`: RSP in E2E frames via the relay to the agent.
// The forwarder logs every packet GDB sends, so both legs count the same thing: the commands that reach the stub
// during each request (stop-and-wait: one round trip each). RTTs = wall time / link RTT.
// Targets: `next` ≤ 2 RTT, attach → first stackTrace ≤ 6 RTT. Writes bench/results/debug-link.json and
// docs/images/debug-link.svg, prints a table.
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildSimFirmware } from '../src/platformio/simBuild';
import { isolatedEnv, outpostCli } from '../test/helpers/outpostCli';
import { EmulatedLink, linkSupport } from '../test/support/netem';
import { writeDebugLinkChart } from './debug-link-chart';
import type { TimedRequest } from './support/debugLinkClient';
import {
  compareLegs,
  legFigures,
  type DebugLinkResult,
  type LinkRow,
  type PacketSeen,
} from './support/debugLinkResult';

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({
  options: {
    delay: { type: 'string', default: '75' },
    loss: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
  },
});
const delayMs = Number(flags.delay);
const rttMs = 2 * delayMs;
const runs = Number(flags.runs);
const lossRows = [0, ...(Number(flags.loss) > 0 ? [Number(flags.loss)] : [])];
const DEVICE = 'debug-link-dev';
const RELAY_PORT = 7600;
const STUB_PORT = 3333;
const FORWARD_PORT = 4444;
const node = process.execPath;
const tsx = ['--import', 'tsx'];

/** Resolves with the first output match of `pattern` (stdout or stderr); rejects if the process exits first. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, ms = 90_000): Promise<void> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out.slice(-1000)}`)), ms);
    const see = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', see);
    child.stderr?.on('data', see);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${out.slice(-1000)}`));
    });
  });
}

/** One debug session by the DAP client in namespace A; its timed requests. */
async function runClient(link: EmulatedLink, jobFile: string, leg: string): Promise<TimedRequest[]> {
  const client = path.join(__dirname, 'support', 'debugLinkClient.ts');
  const child = link.spawn('a', node, [...tsx, client, jobFile], { cwd: root, env: isolatedEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`${leg} session failed: ${stderr.trim().slice(-2000)}`);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as TimedRequest[];
}

async function main(): Promise<void> {
  const support = linkSupport();
  if (!support.ok) throw new Error(`${support.reason}; run this benchmark as root`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-debug-link-'));
  const cli = await outpostCli();
  const { elf } = await buildSimFirmware({ projectDir: path.join(root, 'examples', 'u5-sensor'), outDir: work });
  const keysNew = [cli, 'keys', 'new', '--out', path.join(work, 'device.key')];
  const devPub = (await promisify(execFile)(node, keysNew, { env: isolatedEnv() })).stdout.trim();

  const link = await EmulatedLink.up({ delayMs, lossPercent: 0 });
  process.once('SIGINT', () => {
    void link.down().then(() => process.exit(130));
  });
  try {
    link.spawn('b', 'qemu-system-arm', [
      ...['-M', 'mps2-an505', '-display', 'none', '-monitor', 'none', '-serial', 'null', '-kernel', elf],
      ...['-gdb', `tcp:127.0.0.1:${STUB_PORT}`],
    ]);
    const forwarder = link.spawn('b', node, [
      ...tsx,
      path.join(__dirname, 'support', 'rspCountingForward.ts'),
      '0.0.0.0',
      String(FORWARD_PORT),
      '127.0.0.1',
      String(STUB_PORT),
    ]);
    const packets: PacketSeen[] = [];
    let pending = '';
    forwarder.stdout?.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        const msg = JSON.parse(l) as PacketSeen | { ready: true };
        if ('t' in msg) packets.push(msg);
      }
    });
    await waitForLine(forwarder, /"ready":true/, 'RSP forwarder');

    const relayUrl = `ws://${link.a.address}:${RELAY_PORT}`;
    const relay = link.spawn('a', node, [
      ...[cli, 'relay', '--listen', `${link.a.address}:${RELAY_PORT}`, '--data', path.join(work, 'relay')],
    ]);
    await waitForLine(relay, /relay listening on ws:\/\/\S+/, 'relay');
    const adminKey = path.join(work, 'relay', 'admin.key');
    const added = await link.exec('a', node, [
      ...[cli, 'device', 'add', DEVICE, '--pubkey', devPub, '--relay', relayUrl, '--key', adminKey],
    ]);
    if (added.code !== 0) throw new Error(`device add failed: ${added.stderr}`);
    const agent = link.spawn(
      'b',
      node,
      [
        ...[cli, 'agent', '--relay', relayUrl, '--key', path.join(work, 'device.key')],
        ...['--target', `gdb://127.0.0.1:${FORWARD_PORT}`, '--firmware', elf, '--state', path.join(work, 'agent')],
      ],
      { cwd: work, env: isolatedEnv() },
    );
    await waitForLine(agent, /agent connected as \S+/, 'agent');

    const legs = {
      plain: { gdbTarget: `${link.b.address}:${FORWARD_PORT}` },
      outpost: { device: DEVICE, relay: relayUrl, identityFile: adminKey },
    };
    const rows: LinkRow[] = [];
    for (const lossPercent of lossRows) {
      await link.set({ lossPercent });
      const sessions: Record<keyof typeof legs, { timed: TimedRequest[]; packets: PacketSeen[] }[]> = {
        plain: [],
        outpost: [],
      };
      for (let i = 0; i < runs; i++) {
        for (const leg of ['plain', 'outpost'] as const) {
          const jobFile = path.join(work, 'job.json');
          fs.writeFileSync(jobFile, JSON.stringify({ target: legs[leg], elf }));
          const from = packets.length;
          const timed = await runClient(link, jobFile, leg);
          sessions[leg].push({ timed, packets: packets.slice(from) });
          process.stderr.write(`${lossPercent} % loss, run ${i + 1}, ${leg}: ${packets.length - from} RSP packets\n`);
        }
      }
      rows.push({
        lossPercent,
        requests: compareLegs(legFigures(sessions.plain, rttMs), legFigures(sessions.outpost, rttMs)),
      });
    }

    const result: DebugLinkResult = {
      when: new Date().toISOString(),
      rttMs,
      backend: link.backend() ?? 'unknown',
      targets: { next: 2, attachToFirstStackTrace: 6 },
      rows,
    };
    const out = path.join(root, 'bench', 'results', 'debug-link.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    writeDebugLinkChart(out, path.join(root, 'docs', 'images', 'debug-link.svg'));
    for (const row of rows) {
      process.stdout.write(
        `\n${rttMs} ms RTT, ${row.lossPercent} % loss (median of ${runs}; RTTs = wall time / RTT)\n`,
      );
      process.stdout.write(
        `${'request'.padEnd(36)} ${'plain RTT'.padStart(10)} ${'pkts'.padStart(5)} ${'Outpost RTT'.padStart(12)} ${'pkts'.padStart(5)} ${'ratio'.padStart(6)}\n`,
      );
      for (const r of row.requests) {
        process.stdout.write(
          `${r.name.padEnd(36)} ${String(r.plain?.rtts ?? '-').padStart(10)} ${String(r.plain?.packets ?? '-').padStart(5)} ${String(r.outpost?.rtts ?? '-').padStart(12)} ${String(r.outpost?.packets ?? '-').padStart(5)} ${String(r.ratio ?? '-').padStart(6)}\n`,
        );
      }
    }
    process.stdout.write(`\nwrote ${path.relative(root, out)} and docs/images/debug-link.svg\n`);
  } finally {
    await link.down();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`debug-link: ${err.message}\n`);
    process.exit(1);
  },
);
