// The dashboard's two sparklines as inline SVG: signal (a staircase, as devices report it) and uptime with reboots.
import { formatDuration, signalOf } from '../format';
import type { DeviceHealthView } from './healthView';
import { html, plural, type Markup } from './html';
import { sparklinePath, stepRun, toBox, valueRange, type Box, type Domain, type Point } from './sparkline';
import type { TelemetrySample } from './telemetryHistory';

export const SPARK_BOX: Box = { width: 160, height: 32, pad: 3 };
/** Usable LTE RSSI; a shared scale lets two devices' lines be compared by eye. */
export const RSSI_SCALE: readonly [number, number] = [-115, -45];

/** Splits samples into runs wherever `value` is missing or `breakBefore` says so. */
function runsOf(
  samples: readonly TelemetrySample[],
  value: (s: TelemetrySample) => number | null,
  breakBefore: (s: TelemetrySample) => boolean = () => false,
): Point[][] {
  const runs: Point[][] = [];
  let run: Point[] = [];
  for (const s of samples) {
    const v = value(s);
    if (v === null || breakBefore(s)) {
      if (run.length) runs.push(run);
      run = [];
    }
    if (v !== null) run.push({ x: s.t, y: v });
  }
  if (run.length) runs.push(run);
  return runs;
}

function svg(label: string, kind: string, body: Markup): Markup {
  const { width, height } = SPARK_BOX;
  return html`<svg
    class="spark ${kind}"
    role="img"
    aria-label="${label}"
    viewBox="0 0 ${width} ${height}"
    width="${width}"
    height="${height}"
  >
    <title>${label}</title>
    ${body}
  </svg>`;
}

function dot(runs: Point[][], d: Domain): Markup {
  const last = runs[runs.length - 1]?.at(-1);
  if (!last) return html``;
  const p = toBox(last, d, SPARK_BOX);
  return html`<circle class="dot" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="2" />`;
}

const over = (since: number, now: number): string =>
  now - since >= 1000 ? ` over ${formatDuration((now - since) / 1000)}` : '';

/** Signal strength: each reading holds until the next (devices send RSSI only when it moves), up to now if online. */
export function rssiSparkline(d: DeviceHealthView, since: number, now: number): Markup {
  const runs = runsOf(d.samples, (s) => s.rssi).map((run, i, all) =>
    stepRun(run, i === all.length - 1 && d.online ? now : undefined),
  );
  if (!runs.length || !d.rssiRange) return html`<span class="muted">no signal readings yet</span>`;
  const [y0, y1] = valueRange([...d.rssiRange], RSSI_SCALE);
  const domain: Domain = { x0: since, x1: now, y0, y1 };
  const latest = runs[runs.length - 1].at(-1)!.y;
  const label =
    `Signal of ${d.name}${over(since, now)}: latest ${latest} dBm (${signalOf(latest).label}), ` +
    `lowest ${d.rssiRange[0]} dBm, highest ${d.rssiRange[1]} dBm, ${plural(d.samples.filter((s) => s.rssi !== null).length, 'reading')}`;
  return svg(
    label,
    'rssi',
    html`<path class="line" d="${sparklinePath(runs, domain, SPARK_BOX)}" />${dot(runs, domain)}`,
  );
}

/**
 * Uptime: lines between readings, broken at each reboot (uptime went down), which is marked with a dashed rule. A
 * device reports uptime only with other news, so for an online device a dotted line projects the last reading to
 * now (one second per second); a reboot since then would show with its next report.
 */
export function uptimeSparkline(d: DeviceHealthView, since: number, now: number): Markup {
  const runs = runsOf(
    d.samples,
    (s) => s.uptime,
    (s) => s.reboot,
  );
  if (!runs.length) return html`<span class="muted">no uptime readings yet</span>`;
  const last = runs[runs.length - 1].at(-1)!;
  const projection: Point[] =
    d.online && d.samples.at(-1)?.uptime !== null && now > last.x
      ? [last, { x: now, y: last.y + (now - last.x) / 1000 }]
      : [];
  const max = Math.max(...runs.flat().map((p) => p.y), ...projection.map((p) => p.y));
  const domain: Domain = { x0: since, x1: now, y0: 0, y1: max };
  const rules = d.samples
    .filter((s) => s.reboot)
    .map((s) => {
      const x = toBox({ x: s.t, y: 0 }, domain, SPARK_BOX).x.toFixed(1);
      return html`<line class="reboot" x1="${x}" x2="${x}" y1="0" y2="${SPARK_BOX.height}" />`;
    });
  const label = `Uptime of ${d.name}${over(since, now)}: last reported ${formatDuration(last.y)}, ${plural(d.reboots, 'reboot')} seen`;
  const projected = projection.length
    ? html`<path class="projection" d="${sparklinePath([projection], domain, SPARK_BOX)}" />`
    : html``;
  return svg(
    label,
    'uptime',
    html`${rules}${projected}<path class="line" d="${sparklinePath(runs, domain, SPARK_BOX)}" />${dot(runs, domain)}`,
  );
}
