// OTA on an emulated cellular link: Outpost's transfer throughput against raw TCP on the same link, and the bytes a
// link drop at half way costs.
//
// Usage (root; iproute2):
//   npx tsx bench/ota-link.ts [--runs 3] [--resume-runs 2] [--delay 75] [--rate 5000] [--loss 0.5]
//     [--size 1048576] [--cut-seconds 15] [--verbose]
// Builds an emulated link (scripts/netem.sh: --delay ms per direction, --rate kbit/s, --loss %), runs the relay
// and the operator in namespace A and `outpost agent --target sim` (QEMU on B's loopback) in namespace B.
// (a) throughput: each run deploys a fresh image of --size bytes (the sample firmware plus random padding) and
//     times it from the device's first `want` to its first report after the download (relay timestamps); the
//     same bytes sent by a plain node TCP sender to a sink on B, same link, same run, are the baseline.
//     Target: OTA / raw ≥ 0.90.
// (b) resume: the link is cut (100 % loss) when the relay has sent half the image and restored --cut-seconds
//     later. The relay pings every 2 s and the agent keeps alive every 5 s, so within 15 s both declare the
//     connection dead, as they would after a longer outage with the default 30 s: the transfer resumes on a new
//     connection. Reported: ota bytes the relay sent (its /metrics counter) / image size, over the runs where the
//     drop did force a new connection. Target ≤ 1.05.
// Writes bench/results/ota-link.json and prints a table.
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { releaseFromElf } from '../src/platformio/release';
import { buildSimFirmware } from '../src/platformio/simBuild';
import { transferWindow } from '../src/protocol/otaTransfer';
import { isolatedEnv, outpostCli } from '../test/helpers/outpostCli';
import { EmulatedLink, linkSupport } from '../test/support/netem';
import type { DoneLine, OperatorJob } from './support/otaOperator';
import type { BulkReport } from './support/tcpBulk';

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'resume-runs': { type: 'string', default: '2' },
    delay: { type: 'string', default: '75' },
    rate: { type: 'string', default: '5000' },
    loss: { type: 'string', default: '0.5' },
    size: { type: 'string', default: String(1024 * 1024) },
    'cut-seconds': { type: 'string', default: '15' },
    verbose: { type: 'boolean', default: false },
  },
});
const runs = Number(flags.runs);
const resumeRuns = Number(flags['resume-runs']);
const size = Number(flags.size);
const cutSeconds = Number(flags['cut-seconds']);
const shape = { delayMs: Number(flags.delay), rateKbit: Number(flags.rate), lossPercent: Number(flags.loss) };
const DEVICE = 'ota-dev';
const RELAY_PORT = 7600;
const SINK_PORT = 9000;
const node = process.execPath;
const tsx = ['--import', 'tsx'];
const operatorScript = path.join(__dirname, 'support', 'otaOperator.ts');
const bulkScript = path.join(__dirname, 'support', 'tcpBulk.ts');

/** What the relay logged for each transfer attempt (`transfer ended`). */
interface TransferLog {
  ended: string;
  bytesSent: number;
  maxWindow: number;
}

function transfersIn(log: string): TransferLog[] {
  return log
    .split('\n')
    .filter((l) => l.includes('"transfer ended"'))
    .map((l) => JSON.parse(l) as TransferLog);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kBps = (bytes: number, ms: number) => Math.round(bytes / ms);

/** Resolves with the first stdout match of `pattern`; rejects if the process exits or `ms` pass first. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, ms = 60_000): Promise<string> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${err.slice(-1000)}`)), ms);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${err.slice(-1000)}`));
    });
  });
}

/** One OTA deployment through the operator in A; `onBytes` sees the relay's ota byte counter as it grows. */
async function deploy(
  link: EmulatedLink,
  job: OperatorJob,
  jobFile: string,
  onBytes: (bytes: number) => void = () => undefined,
): Promise<DoneLine> {
  fs.writeFileSync(jobFile, JSON.stringify(job));
  const child = link.spawn('a', node, [...tsx, operatorScript, jobFile], { cwd: root, env: isolatedEnv() });
  let buffer = '';
  let stderr = '';
  let done: DoneLine | undefined;
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const msg = JSON.parse(line) as { type: string; bytes?: number };
      if (flags.verbose && msg.type !== 'otaBytes') process.stderr.write(`  ${line}\n`);
      if (msg.type === 'otaBytes') onBytes(msg.bytes ?? 0);
      else if (msg.type === 'done') done = msg as DoneLine;
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !done) throw new Error(`operator failed (${code}): ${stderr.trim()}`);
  return done;
}

async function rawTcp(link: EmulatedLink): Promise<BulkReport> {
  const r = await link.exec('a', node, [...tsx, bulkScript, 'send', link.b.address, String(SINK_PORT), String(size)]);
  if (r.code !== 0) throw new Error(`raw TCP sender failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as BulkReport;
}

async function main(): Promise<void> {
  const support = linkSupport();
  if (!support.ok) throw new Error(`${support.reason}; run this benchmark as root`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-ota-link-'));
  const cli = await outpostCli();
  const project = path.join(root, 'examples', 'u5-sensor');
  const [v1, v2] = await Promise.all([
    buildSimFirmware({ projectDir: project, outDir: path.join(work, 'v1'), version: '1.0.0' }),
    buildSimFirmware({ projectDir: project, outDir: path.join(work, 'v2'), version: '2.0.0' }),
  ]);
  const release = await releaseFromElf(v2.elf);
  if (size < release.image.length) throw new Error(`--size must be at least the firmware (${release.image.length})`);
  const cliRun = async (args: string[]) =>
    (await promisify(execFile)(node, [cli, ...args], { env: isolatedEnv(), cwd: work })).stdout.trim();
  const newKey = (name: string) => cliRun(['keys', 'new', '--out', path.join(work, `${name}.key`)]);
  const [devPub, signPub] = [await newKey('device'), await newKey('sign')];

  const link = await EmulatedLink.up(shape);
  const stopAll = () => void link.down();
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  try {
    const relayUrl = `ws://${link.a.address}:${RELAY_PORT}`;
    const relay = link.spawn('a', node, [
      cli,
      'relay',
      '--listen',
      `${link.a.address}:${RELAY_PORT}`,
      '--data',
      path.join(work, 'relay'),
      '--heartbeat',
      '2s',
    ]);
    let relayLog = '';
    relay.stderr?.on('data', (d: Buffer) => (relayLog += d.toString()));
    await waitForLine(relay, /relay listening on ws:\/\/\S+/, 'relay');
    const adminKey = path.join(work, 'relay', 'admin.key');
    const added = await link.exec('a', node, [
      cli,
      'device',
      'add',
      DEVICE,
      '--pubkey',
      devPub,
      '--relay',
      relayUrl,
      '--key',
      adminKey,
    ]);
    if (added.code !== 0) throw new Error(`device add failed: ${added.stderr}`);
    const agent = link.spawn(
      'b',
      node,
      [
        cli,
        'agent',
        '--relay',
        relayUrl,
        '--key',
        path.join(work, 'device.key'),
        '--target',
        'sim',
        '--firmware',
        v1.elf,
        '--trust',
        signPub,
        '--state',
        path.join(work, 'agent'),
        '--keepalive',
        '5s',
      ],
      { cwd: work, env: isolatedEnv() },
    );
    await waitForLine(agent, /agent connected as \S+/, 'agent', 90_000);
    const sink = link.spawn('b', node, [...tsx, bulkScript, 'sink', link.b.address, String(SINK_PORT)], { cwd: root });
    await waitForLine(sink, /sink listening/, 'TCP sink');

    let n = 0;
    const job = (): OperatorJob => {
      const image = path.join(work, `image-${++n}.bin`);
      fs.writeFileSync(image, Buffer.concat([release.image, randomBytes(size - release.image.length)]));
      return {
        relay: relayUrl,
        metrics: `http://${link.a.address}:${RELAY_PORT}/metrics`,
        operatorKey: adminKey,
        signKey: path.join(work, 'sign.key'),
        image,
        version: '2.0.0',
        board: release.board ?? 'stm32u5-sim',
        buildId: release.buildId ?? '00',
        device: DEVICE,
        healthTimeoutMs: 60_000,
      };
    };
    const jobFile = path.join(work, 'job.json');

    const throughput: { otaMs: number; rawMs: number; otaBytes: number; maxWindow: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const raw = await rawTcp(link);
      const logStart = relayLog.length;
      const ota = await deploy(link, job(), jobFile);
      if (ota.state !== 'confirmed' || !ota.downloadingAt || !ota.verifyingAt)
        throw new Error(`deployment ended ${ota.state} ${ota.code ?? ''} ${ota.reason ?? ''}`);
      const otaMs = Date.parse(ota.verifyingAt) - Date.parse(ota.downloadingAt);
      const maxWindow = Math.max(...transfersIn(relayLog.slice(logStart)).map((t) => t.maxWindow));
      throughput.push({ otaMs, rawMs: raw.transferMs, otaBytes: ota.otaBytes, maxWindow });
      process.stderr.write(
        `run ${i + 1}: OTA ${otaMs} ms (${kBps(size, otaMs)} kB/s, window up to ${maxWindow}), raw TCP ${raw.transferMs} ms (${kBps(size, raw.transferMs)} kB/s)\n`,
      );
    }

    const resume: {
      otaBytes: number;
      ratio: number;
      attempts: number;
      cutAtBytes: number;
      imageBytesSent: number;
      maxWindow: number;
    }[] = [];
    for (let i = 0; i < resumeRuns; i++) {
      let cutAt = -1;
      let restored: Promise<void> = Promise.resolve();
      const logStart = relayLog.length;
      const ota = await deploy(link, job(), jobFile, (bytes) => {
        if (cutAt >= 0 || bytes < size / 2) return;
        cutAt = bytes;
        restored = (async () => {
          await link.cut('loss');
          await new Promise((r) => setTimeout(r, cutSeconds * 1000));
          await link.restore();
        })();
      });
      await restored;
      if (ota.state !== 'confirmed')
        throw new Error(`deployment ended ${ota.state} ${ota.code ?? ''} ${ota.reason ?? ''}`);
      const attempts = transfersIn(relayLog.slice(logStart));
      const imageBytesSent = attempts.reduce((n, t) => n + t.bytesSent, 0);
      const maxWindow = Math.max(...attempts.map((t) => t.maxWindow));
      resume.push({
        otaBytes: ota.otaBytes,
        ratio: Math.round((ota.otaBytes / size) * 1000) / 1000,
        attempts: ota.attempts,
        cutAtBytes: cutAt,
        imageBytesSent,
        maxWindow,
      });
      process.stderr.write(
        `resume ${i + 1}: cut at ${cutAt} bytes, window up to ${maxWindow}, ${ota.attempts} attempts, ${ota.otaBytes} ota bytes sent (${(ota.otaBytes / size).toFixed(3)} x image)\n`,
      );
    }

    const otaMs = median(throughput.map((t) => t.otaMs));
    const rawMs = median(throughput.map((t) => t.rawMs));
    const ratio = Math.round((rawMs / otaMs) * 1000) / 1000;
    // A cut the connection survived (TCP retransmitted once the link was back) tests nothing about resuming.
    const dropped = resume.filter((r) => r.attempts >= 2);
    const worstResume = dropped.length ? Math.max(...dropped.map((r) => r.ratio)) : null;
    const result = {
      when: new Date().toISOString(),
      link: {
        ...shape,
        rttMs: 2 * shape.delayMs,
        backend: link.backend(),
      },
      imageBytes: size,
      windowFloor: transferWindow(size),
      throughput: {
        runs: throughput,
        medianOtaMs: otaMs,
        medianRawMs: rawMs,
        otaKBps: kBps(size, otaMs),
        rawKBps: kBps(size, rawMs),
        ratio,
        target: 0.9,
      },
      resume: {
        cutSeconds,
        runs: resume,
        drops: dropped.length,
        medianRatio: dropped.length ? median(dropped.map((r) => r.ratio)) : null,
        worstRatio: worstResume,
        target: 1.05,
      },
    };
    const out = path.join(root, 'bench', 'results', 'ota-link.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    const rows: [string, string, string][] = [
      ['OTA throughput (median)', `${kBps(size, otaMs)} kB/s (${otaMs} ms)`, ''],
      ['raw TCP throughput (median)', `${kBps(size, rawMs)} kB/s (${rawMs} ms)`, ''],
      ['OTA / raw TCP', String(ratio), ratio >= 0.9 ? '≥ 0.90 ✓' : '≥ 0.90 ✗'],
      [
        'bytes sent / image after a drop at 50 %',
        worstResume === null
          ? '-'
          : `${median(dropped.map((r) => r.ratio))} median, ${worstResume} worst of ${dropped.length}`,
        worstResume === null ? '' : worstResume <= 1.05 ? '≤ 1.05 ✓' : '≤ 1.05 ✗',
      ],
    ];
    process.stdout.write(
      `OTA of ${size} bytes, ${shape.delayMs * 2} ms RTT, ${shape.rateKbit} kbit/s, ${shape.lossPercent} % loss; send window from ${transferWindow(size)} up to ${Math.max(...throughput.map((t) => t.maxWindow), ...resume.map((r) => r.maxWindow))} bytes\n`,
    );
    for (const [k, v, t] of rows) process.stdout.write(`${k.padEnd(42)} ${v.padEnd(34)} ${t}\n`);
    process.stdout.write(`wrote ${path.relative(root, out)}\n`);
  } finally {
    await link.down();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`ota-link: ${err.message}\n`);
    process.exit(1);
  },
);
