// Relay handshake cost: Ed25519 verify (noble vs node:crypto, the relay's per-handshake crypto) and real handshakes
// (GET /v1/challenge + signed upgrade) against a relay in its own process: latency one at a time, then a burst.
//   npx tsx bench/relay-handshakes.ts [--devices 1000] [--verify-iterations 2000]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ed from '@noble/ed25519';
import { readIdentityFile } from '../src/common/identityFile';
import { silentLogger } from '../src/common/log';
import { connect } from '../src/link/connect';
import { connectOperator } from '../src/link/operatorClient';
import { sign, verify } from '../src/protocol/ed25519';
import { generateIdentity, type Identity } from '../src/protocol/identity';
import { startRelay } from '../src/relay';
import { cpuSeconds } from './support/procStats';

const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    'verify-iterations': { type: 'string', default: '2000' },
    serve: { type: 'string' },
  },
});

function microVerify(iterations: number): void {
  const id = generateIdentity();
  const msg = Buffer.alloc(120, 7);
  const sig = sign(msg, id.secretKey);
  const time = (fn: () => unknown): number => {
    const t = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    return ((performance.now() - t) / iterations) * 1000;
  };
  const signUs = time(() => sign(msg, id.secretKey));
  const nobleUs = time(() => ed.verify(sig, msg, id.publicKey));
  const nodeUs = time(() => verify(sig, msg, id.publicKey));
  console.log(
    `ed25519: sign (noble) ${signUs.toFixed(0)} µs; verify noble ${nobleUs.toFixed(0)} µs vs node:crypto ${nodeUs.toFixed(0)} µs (the relay's choice): ${(nobleUs / nodeUs).toFixed(1)}× faster`,
  );
}

async function serve(dir: string): Promise<void> {
  const relay = await startRelay({ listen: '127.0.0.1:0', dataDir: dir, log: silentLogger });
  process.stdout.write(`${relay.url}\n`);
  process.on('SIGTERM', () => void relay.close().then(() => process.exit(0)));
}

async function startRelayProcess(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`relay exited (${code})`)));
  });
  return { child, url };
}

async function main(): Promise<void> {
  if (flags.serve) return serve(flags.serve);
  microVerify(Number(flags['verify-iterations']));
  const n = Number(flags.devices);
  const dir = mkdtempSync(join(tmpdir(), 'outpost-hs-bench-'));
  const { child, url } = await startRelayProcess(dir);
  try {
    const admin = await connectOperator({ relay: url, identity: readIdentityFile(join(dir, 'admin.key')) });
    const devices: Identity[] = [];
    for (let i = 0; i < n; i++) {
      const id = generateIdentity();
      await admin.request('devices.add', { name: `hs-${i}`, publicKey: id.publicKeyText, tags: {} });
      devices.push(id);
    }
    const sequential = Math.min(n, 200);
    const latencies: number[] = [];
    for (const id of devices.slice(0, sequential)) {
      const t = performance.now();
      const conn = await connect(url, id, { keepaliveSec: 0 });
      latencies.push(performance.now() - t);
      conn.close();
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
    console.log(
      `handshake one at a time (${sequential}): median ${p(0.5)} ms, p95 ${p(0.95)} ms (challenge + signed upgrade, loopback)`,
    );
    await new Promise((r) => setTimeout(r, 500));
    const cpu0 = cpuSeconds(child.pid as number);
    const t0 = performance.now();
    const conns = await Promise.all(devices.map((id) => connect(url, id, { keepaliveSec: 0, timeoutMs: 120_000 })));
    const seconds = (performance.now() - t0) / 1000;
    const relayCpu = cpuSeconds(child.pid as number) - cpu0;
    console.log(
      `burst of ${n} concurrent handshakes: ${seconds.toFixed(2)} s (${(n / seconds).toFixed(0)}/s), relay CPU ${((relayCpu / n) * 1e6).toFixed(0)} µs per handshake; 10,000 would need ≈ ${((relayCpu / n) * 10_000).toFixed(1)} s of relay CPU (target: absorbed in ≤ 30 s)`,
    );
    for (const c of conns) c.close();
    admin.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`relay-handshakes bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
