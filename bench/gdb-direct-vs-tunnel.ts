// RSP through the full tunnel vs GDB talking to the stub directly: 200 `stepi`, one `x/1024x`, 20 breakpoint hits,
// and how long an attach keeps the target halted, both legs in one run (target: tunnel/direct ≤ 1.3).
//
// Usage:
//   npx tsx bench/gdb-direct-vs-tunnel.ts [--runs 5] [--elf FILE] [--direct HOST:PORT] [--tunnel HOST:PORT]
//     [--memory 0x38000000] [--break sensor_step] [--gdb session|plain] [--out FILE]
// By default it builds the sample firmware and starts QEMU (mps2-an505); the direct leg is QEMU's stub, the tunnel
// leg is operator link → `outpost relay` → `outpost agent --target gdb://<QEMU's stub>` → QEMU, all on loopback,
// with this process as the operator side (the stdio adapter's relay connector). Runs alternate between the legs.
// --tunnel measures an existing tunnel port instead (e.g. `outpost tunnel DEVICE`, for a device running the ELF).
// GDB runs with the settings an Outpost debug session gives it (--gdb session: code read from the verified ELF, not
// the link), or with GDB's defaults (--gdb plain). Writes bench/results/gdb-direct-vs-tunnel.json (or --out).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freeLoopbackPort } from '../src/agent/targets/freePort';
import { connectGdbSocket } from '../src/agent/targets/gdbConnect';
import { measureAttachHalt } from './support/attachHalt';
import { describeRun, median, runWorkload, type Timing, type WorkloadOptions } from './support/gdbWorkload';
import { sampleFirmware, type SampleFirmware } from './support/sampleFirmware';
import { startTunnelRig, type TunnelRig } from './support/tunnelRig';

const root = path.resolve(__dirname, '..');
const { values: flags } = parseArgs({
  options: {
    direct: { type: 'string' },
    tunnel: { type: 'string' },
    elf: { type: 'string' },
    runs: { type: 'string', default: '5' },
    memory: { type: 'string', default: '0x38000000' },
    break: { type: 'string', default: 'sensor_step' },
    gdb: { type: 'string', default: 'session' },
    out: { type: 'string', default: path.join(root, 'bench', 'results', 'gdb-direct-vs-tunnel.json') },
  },
});

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

function startQemu(elf: string, port: number): ChildProcess {
  const args = ['-M', 'mps2-an505', '-display', 'none', '-monitor', 'none', '-serial', 'null', '-kernel', elf];
  return spawn('qemu-system-arm', [...args, '-gdb', `tcp:127.0.0.1:${port}`], { stdio: 'ignore' });
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The line of the reading report in the sample firmware: where the attach-halt measurement sets its breakpoint. */
function reportLine(): number {
  const text = fs.readFileSync(path.join(root, 'examples', 'u5-sensor', 'src', 'sensor.c'), 'utf8');
  return text.split('\n').findIndex((l) => l.includes('LOG_I("reading #%lu')) + 1;
}

async function main(): Promise<void> {
  const runs = Number(flags.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of runs, e.g. --runs 5');
  const gdb = flags.gdb;
  if (gdb !== 'session' && gdb !== 'plain') throw new Error('--gdb is session or plain');
  let qemu: ChildProcess | undefined;
  let rig: TunnelRig | undefined;
  let firmware: SampleFirmware | undefined;
  try {
    firmware = await sampleFirmware(flags.elf);
    const elf = firmware.elf;
    let direct = flags.direct;
    if (!direct) {
      const port = await freeLoopbackPort();
      qemu = startQemu(elf, port);
      await waitForStub(port);
      direct = `127.0.0.1:${port}`;
    }
    if (!flags.tunnel) rig = await startTunnelRig(direct, elf);
    const options: WorkloadOptions = { memory: flags.memory, breakAt: flags.break, gdb };
    // One tunnel per run, as one per debug session: while it is open the agent holds QEMU's only GDB connection.
    const viaTunnel = async (): Promise<Timing> => {
      if (flags.tunnel) return runWorkload(elf, flags.tunnel, options);
      const tunnel = await (rig as TunnelRig).openTunnel();
      try {
        return await runWorkload(elf, tunnel.address, options);
      } finally {
        await tunnel.close();
      }
    };

    const d: Timing[] = [];
    const t: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      d.push(await runWorkload(elf, direct, options));
      console.log(describeRun('direct', i, d[i]));
      t.push(await viaTunnel());
      console.log(describeRun('tunnel', i, t[i]));
    }
    const dm = median(d);
    const tm = median(t);
    const ratio = round2(tm.total / dm.total);
    const perPhase = {
      stepi200: round2(tm.stepi200 / dm.stepi200),
      x1024: round2(tm.x1024 / dm.x1024),
      breakpointHits20: round2(tm.breakpointHits20 / dm.breakpointHits20),
    };
    console.log(`tunnel/direct = ${ratio} (target ≤ 1.3); per phase ${JSON.stringify(perPhase)}`);

    const line = reportLine();
    const haltDirect: number[] = [];
    const haltTunnel: number[] = [];
    for (let i = 0; i < runs; i++) {
      haltDirect.push(await measureAttachHalt({ gdbTarget: direct }, elf, line));
      if (rig) {
        const target = { device: rig.device, relay: rig.relay, identityFile: rig.operatorKey };
        haltTunnel.push(await measureAttachHalt(target, elf, line));
      }
    }
    const med = (xs: number[]): number | undefined => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`attach halt (median ms): direct ${med(haltDirect)}, tunnel ${med(haltTunnel) ?? 'n/a'}`);

    const result = {
      when: new Date().toISOString(),
      command: `npx tsx bench/gdb-direct-vs-tunnel.ts ${process.argv.slice(2).join(' ')}`.trim(),
      // Other work on the machine shows in the figures: the load average says how busy it was.
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
      runs,
      gdb: flags.gdb,
      direct: { address: direct, median: dm, all: d },
      tunnel: { address: flags.tunnel ?? 'operator link → relay process → agent process → QEMU', median: tm, all: t },
      ratio,
      ratioPerPhase: perPhase,
      attachHaltMs: {
        direct: { median: med(haltDirect), all: haltDirect },
        tunnel: rig ? { median: med(haltTunnel), all: haltTunnel } : undefined,
      },
    };
    fs.mkdirSync(path.dirname(flags.out), { recursive: true });
    fs.writeFileSync(flags.out, JSON.stringify(result, null, 2) + '\n');
  } finally {
    await rig?.close();
    qemu?.kill('SIGKILL');
    firmware?.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(`gdb-direct-vs-tunnel: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
