// The debug-link benchmark's pure core: RSP packets assigned to timed DAP requests, medians per request, the
// result shape written to bench/results/debug-link.json, and the chart drawn from it.
import type { BarChart } from './barChart';
import type { TimedRequest } from './debugLinkClient';

/** One RSP packet the counting forwarder saw: epoch ms, direction (c = GDB's side, s = stub), first 40 chars. */
export interface PacketSeen {
  t: number;
  d: 'c' | 's';
  p: string;
}

/** One request's medians on one leg. */
export interface LegFigures {
  samples: number;
  ms: number;
  rtts: number;
  /** Every sample's round trips, in the order they ran (a median hides that the first `next` leaves a breakpoint). */
  allRtts: number[];
  /** RSP commands GDB sent (each waits for its reply: one round trip on a stop-and-wait link). */
  packets: number;
  /** Commands by kind over all samples, most frequent first, e.g. {"m": 12, "g": 2}. */
  kinds: Record<string, number>;
  /** The first sample's commands in order (up to 40 chars each): where its round trips went. */
  firstSequence: string[];
}

/** One request compared across the legs; ratio = Outpost RTTs / plain RTTs. */
export interface RequestRow {
  name: string;
  plain: LegFigures | null;
  outpost: LegFigures | null;
  ratio: number | null;
}

/** One link shape's table. */
export interface LinkRow {
  lossPercent: number;
  requests: RequestRow[];
}

/** bench/results/debug-link.json. */
export interface DebugLinkResult {
  when: string;
  rttMs: number;
  backend: string;
  targets: { next: number; attachToFirstStackTrace: number };
  rows: LinkRow[];
}

/** A command's kind: the letter or name without its arguments (`m`, `Z0`, `vCont;s`, `qXfer:features`). */
export function packetKind(p: string): string {
  if (p.startsWith('vCont;')) return p.slice(0, 7);
  if (/^[Zz]\d/.test(p)) return p.slice(0, 2);
  if (p.startsWith('qXfer:')) return p.split(':').slice(0, 2).join(':');
  if (/^[qQv]/.test(p)) return p.split(/[:,;]/)[0];
  return p === '^C' ? p : p.charAt(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round1 = (x: number) => Math.round(x * 10) / 10;

/** GDB's commands that fell inside each request's wall-clock window. */
export function commandsIn(request: TimedRequest, packets: PacketSeen[]): PacketSeen[] {
  return packets.filter((p) => p.d === 'c' && p.t >= request.start && p.t <= request.end);
}

/** Medians per request name, in first-seen order, over all sessions' timed requests of one leg. */
export function legFigures(
  sessions: { timed: TimedRequest[]; packets: PacketSeen[] }[],
  rttMs: number,
): Map<string, LegFigures> {
  const byName = new Map<
    string,
    { ms: number[]; packets: number[]; kinds: Record<string, number>; first: string[] | undefined }
  >();
  for (const { timed, packets } of sessions) {
    for (const r of timed) {
      const acc = byName.get(r.name) ?? { ms: [], packets: [], kinds: {}, first: undefined };
      byName.set(r.name, acc);
      const cmds = commandsIn(r, packets);
      acc.first ??= cmds.map((c) => c.p);
      acc.ms.push(r.end - r.start);
      acc.packets.push(cmds.length);
      for (const c of cmds) acc.kinds[packetKind(c.p)] = (acc.kinds[packetKind(c.p)] ?? 0) + 1;
    }
  }
  const out = new Map<string, LegFigures>();
  for (const [name, acc] of byName) {
    const ms = median(acc.ms);
    const kinds = Object.fromEntries(Object.entries(acc.kinds).sort((a, b) => b[1] - a[1]));
    out.set(name, {
      samples: acc.ms.length,
      ms,
      rtts: round1(ms / rttMs),
      allRtts: acc.ms.map((x) => round1(x / rttMs)),
      packets: median(acc.packets),
      kinds,
      firstSequence: acc.first ?? [],
    });
  }
  return out;
}

/** Both legs side by side, in the plain leg's order. */
export function compareLegs(plain: Map<string, LegFigures>, outpost: Map<string, LegFigures>): RequestRow[] {
  const names = [...new Set([...plain.keys(), ...outpost.keys()])];
  return names.map((name) => {
    const p = plain.get(name) ?? null;
    const o = outpost.get(name) ?? null;
    const ratio = p && o && p.rtts > 0 ? Math.round((o.rtts / p.rtts) * 100) / 100 : null;
    return { name, plain: p, outpost: o, ratio };
  });
}

/** The chart of the loss-free row: RTTs per request for both legs, with the product targets marked. */
export function debugLinkChart(result: DebugLinkResult): BarChart {
  const row = result.rows.find((r) => r.lossPercent === 0) ?? result.rows[0];
  const requests = row.requests;
  return {
    title: `DAP requests over a ${result.rttMs} ms RTT link (${row.lossPercent} % loss), in round trips`,
    unit: 'RTT',
    labels: requests.map((r) => r.name),
    series: [
      { name: 'plain TCP forward', values: requests.map((r) => r.plain?.rtts ?? null) },
      { name: 'Outpost tunnel', values: requests.map((r) => r.outpost?.rtts ?? null) },
    ],
    targets: requests.map((r) =>
      r.name === 'next'
        ? result.targets.next
        : r.name === 'attach → first stackTrace'
          ? result.targets.attachToFirstStackTrace
          : null,
    ),
  };
}
