// RSP workload bench: 200 `stepi`, one `x/1024x`, 20 breakpoint hits, driven through GDB/MI against a stub address.
//
// Usage:
//   npx tsx bench/gdb-direct-vs-tunnel.ts [--direct HOST:PORT] [--tunnel HOST:PORT] [--elf FILE] [--runs 3]
//     [--memory 0x38000000] [--break sensor_step]
// Without --direct it builds the sample firmware, starts QEMU (mps2-an505) and measures its stub directly. With
// --tunnel (e.g. the port `outpost tunnel DEVICE` prints, for a device running the same ELF) it runs the same
// workload there and prints tunnel/direct (target ≤ 1.3). Writes bench/results/gdb-direct-vs-tunnel.json.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freeLoopbackPort } from '../src/agent/targets/freePort';
import { connectGdbSocket } from '../src/agent/targets/gdbConnect';
import { findGdb } from '../src/debug/gdb/gdbDiscovery';
import { GdbProcess } from '../src/debug/gdb/gdbProcess';
import { breakDelete, breakInsert } from '../src/debug/mi/commands/breakpoints';
import { execContinue, execStep } from '../src/debug/mi/commands/execution';
import {
  consoleCommand,
  fileExecAndSymbols,
  gdbSet,
  targetDetach,
  targetSelectRemote,
} from '../src/debug/mi/commands/session';
import { num, tuple } from '../src/debug/mi/read';
import { parseHostPort } from '../src/debug/stub/stubConnector';
import { buildSimFirmware } from '../src/platformio/simBuild';

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({
  options: {
    direct: { type: 'string' },
    tunnel: { type: 'string' },
    elf: { type: 'string' },
    runs: { type: 'string', default: '3' },
    memory: { type: 'string', default: '0x38000000' },
    break: { type: 'string', default: 'sensor_step' },
  },
});

/** Seconds per phase of one run of the workload. */
interface Timing {
  stepi200: number;
  x1024: number;
  breakpointHits20: number;
  total: number;
}

async function workload(elf: string, address: string): Promise<Timing> {
  const { host, port } = parseHostPort(address);
  const gdb = await GdbProcess.start({ gdbPath: findGdb({}).path, timeoutMs: 30_000 });
  let stopped: (() => void) | undefined;
  gdb.onAsync((r) => r.kind === 'exec' && r.cls === 'stopped' && stopped?.());
  const resume = async (command: string): Promise<void> => {
    const stop = new Promise<void>((r) => (stopped = r));
    await gdb.send(command);
    await stop;
  };
  try {
    for (const [k, v] of [
      ['mi-async', 'on'],
      ['pagination', 'off'],
      ['confirm', 'off'],
    ])
      await gdb.send(gdbSet(k, v));
    await gdb.send(fileExecAndSymbols(elf));
    await gdb.send(targetSelectRemote(host, port));
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await resume(execStep(1, true));
    const t1 = performance.now();
    await gdb.send(consoleCommand(`x/1024x ${flags.memory}`));
    const t2 = performance.now();
    const bp = num(
      tuple((await gdb.send(breakInsert({ kind: 'function', name: flags.break }))).results, 'bkpt'),
      'number',
    );
    for (let i = 0; i < 20; i++) await resume(execContinue());
    const t3 = performance.now();
    if (bp !== undefined) await gdb.send(breakDelete([bp]));
    await gdb.send(targetDetach());
    const s = (ms: number): number => Math.round(ms) / 1000;
    return { stepi200: s(t1 - t0), x1024: s(t2 - t1), breakpointHits20: s(t3 - t2), total: s(t3 - t0) };
  } finally {
    await gdb.exit();
  }
}

async function measure(label: string, elf: string, address: string, runs: number): Promise<Timing> {
  const all: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await workload(elf, address);
    console.log(
      `${label} run ${i + 1}: stepi×200 ${t.stepi200}s, x/1024x ${t.x1024}s, 20 hits ${t.breakpointHits20}s, total ${t.total}s`,
    );
    all.push(t);
  }
  // The median run: one slow run (a GC, another process) should not decide the ratio.
  return all.sort((a, b) => a.total - b.total)[Math.floor(all.length / 2)];
}

/** Resolves once QEMU's stub accepts connections (it stops the guest only while GDB is attached). */
async function waitForStub(port: number): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      (await connectGdbSocket('127.0.0.1', port, 1000)).destroy();
      return;
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function main(): Promise<void> {
  const runs = Number(flags.runs);
  let qemu: ChildProcess | undefined;
  let elf = flags.elf;
  let direct = flags.direct;
  try {
    if (!elf) {
      const out = fs.mkdtempSync(path.join(root, 'bench', 'results', '.fw-'));
      elf = (await buildSimFirmware({ projectDir: path.join(root, 'examples', 'u5-sensor'), outDir: out })).elf;
    }
    if (!direct) {
      const port = await freeLoopbackPort();
      qemu = spawn(
        'qemu-system-arm',
        [
          '-M',
          'mps2-an505',
          '-display',
          'none',
          '-monitor',
          'none',
          '-serial',
          'null',
          '-kernel',
          elf,
          '-gdb',
          `tcp:127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      await waitForStub(port);
      direct = `127.0.0.1:${port}`;
    }
    const d = await measure('direct', elf, direct, runs);
    const t = flags.tunnel ? await measure('tunnel', elf, flags.tunnel, runs) : undefined;
    const ratio = t ? Math.round((t.total / d.total) * 100) / 100 : undefined;
    if (ratio !== undefined) console.log(`tunnel/direct = ${ratio} (target ≤ 1.3)`);
    const result = {
      when: new Date().toISOString(),
      elf,
      direct: { address: direct, ...d },
      tunnel: t && { address: flags.tunnel, ...t },
      ratio,
    };
    fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'bench', 'results', 'gdb-direct-vs-tunnel.json'),
      JSON.stringify(result, null, 2) + '\n',
    );
  } finally {
    qemu?.kill('SIGKILL');
    if (!flags.elf && elf) fs.rmSync(path.dirname(elf), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`gdb-direct-vs-tunnel: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
