// The RSP workload of bench/gdb-direct-vs-tunnel.ts: 200 `stepi`, one `x/1024x`, 20 breakpoint hits through GDB/MI.
import { findGdb } from '../../src/debug/gdb/gdbDiscovery';
import { GdbProcess } from '../../src/debug/gdb/gdbProcess';
import { breakDelete, breakInsert } from '../../src/debug/mi/commands/breakpoints';
import { execContinue, execStep } from '../../src/debug/mi/commands/execution';
import {
  consoleCommand,
  fileExecAndSymbols,
  gdbSet,
  targetDetach,
  targetSelectRemote,
} from '../../src/debug/mi/commands/session';
import { num, tuple } from '../../src/debug/mi/read';
import { GDB_SESSION_SETTINGS, tuneForLink } from '../../src/debug/session/linkTuning';
import { parseHostPort } from '../../src/debug/stub/stubConnector';

/** Seconds per phase of one run of the workload. */
export interface Timing {
  stepi200: number;
  x1024: number;
  breakpointHits20: number;
  total: number;
}

/** Where to read memory from, which function to break on (sample firmware defaults), how GDB is set up. */
export interface WorkloadOptions {
  memory: string;
  breakAt: string;
  /** `session`: what an Outpost debug session sets in GDB (linkTuning: fewer round trips); `plain`: GDB's defaults. */
  gdb: 'session' | 'plain';
}

/** Connects a fresh GDB to `address` (HOST:PORT), runs the workload, detaches (the target runs on). */
export async function runWorkload(elf: string, address: string, options: WorkloadOptions): Promise<Timing> {
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
    const settings: ReadonlyArray<readonly [string, string]> =
      options.gdb === 'session'
        ? GDB_SESSION_SETTINGS
        : [
            ['mi-async', 'on'],
            ['pagination', 'off'],
            ['confirm', 'off'],
          ];
    for (const [k, v] of settings) await gdb.send(gdbSet(k, v));
    await gdb.send(fileExecAndSymbols(elf));
    await gdb.send(targetSelectRemote(host, port));
    if (options.gdb === 'session') await tuneForLink(gdb);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await resume(execStep(1, true));
    const t1 = performance.now();
    await gdb.send(consoleCommand(`x/1024x ${options.memory}`));
    const t2 = performance.now();
    const bp = num(
      tuple((await gdb.send(breakInsert({ kind: 'function', name: options.breakAt }))).results, 'bkpt'),
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

/** The median of the runs by total: one slow run (a GC, another process) should not decide the ratio. */
export function median(runs: Timing[]): Timing {
  return [...runs].sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)];
}

/** One line per run, for the console. */
export function describeRun(label: string, i: number, t: Timing): string {
  return `${label} run ${i + 1}: stepi×200 ${t.stepi200}s, x/1024x ${t.x1024}s, 20 hits ${t.breakpointHits20}s, total ${t.total}s`;
}
