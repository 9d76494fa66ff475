// What /proc says about another process: resident memory and CPU time used so far (Linux).
import fs from 'node:fs';

/** Resident set size of process `pid` in bytes (NaN when /proc does not say). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** User + system CPU seconds process `pid` has used so far (Linux reports clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** What a process used while it was watched. */
export interface ProcessUsage {
  rssStartBytes: number;
  rssPeakBytes: number;
  rssEndBytes: number;
  /** RSS at every sample, in order (a leak keeps climbing; a working set levels off). */
  rssSamplesBytes: number[];
  /** CPU seconds used while watched. */
  cpuSeconds: number;
  /** Wall seconds watched. */
  seconds: number;
}

/** Samples `pid`'s RSS every `everyMs` from now until stop(), which also reads the CPU time used in between. */
export function watchProcess(pid: number, everyMs = 1000): { stop(): ProcessUsage } {
  const started = performance.now();
  const cpu0 = cpuSeconds(pid);
  const rssStart = rssBytes(pid);
  const samples = [rssStart];
  const timer = setInterval(() => samples.push(rssBytes(pid)), everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rssEnd = rssBytes(pid);
      samples.push(rssEnd);
      return {
        rssStartBytes: rssStart,
        rssPeakBytes: Math.max(...samples),
        rssEndBytes: rssEnd,
        rssSamplesBytes: samples,
        cpuSeconds: cpuSeconds(pid) - cpu0,
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}
