// A grouped bar chart as SVG text (pure, no dependency): one group per label, one bar per series.

/** One series: its name (legend) and one value per label (null = not measured). */
export interface BarSeries {
  name: string;
  values: (number | null)[];
}

/** What to draw. */
export interface BarChart {
  title: string;
  unit: string;
  labels: string[];
  series: BarSeries[];
  /** Optional target lines per label (e.g. ≤ 2 RTT), drawn as a dashed mark over the group. */
  targets?: (number | null)[];
}

const COLORS = ['#8c8c8c', '#2f6fdf', '#e08a1e', '#3aa35b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders `chart` as a standalone SVG document, horizontal bars so long request names stay readable. */
export function barChartSvg(chart: BarChart): string {
  const labelW = 250;
  const plotW = 480;
  const barH = 14;
  const groupGap = 12;
  const top = 56;
  const groupH = chart.series.length * barH + groupGap;
  const height = top + chart.labels.length * groupH + 30;
  const all = chart.series.flatMap((s) => s.values).concat(chart.targets ?? []);
  const max = Math.max(1, ...all.filter((v): v is number => v !== null));
  const x = (v: number) => labelW + (v / max) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 90}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  chart.series.forEach((s, i) => {
    const lx = labelW + i * 160;
    out.push(`<rect x="${lx}" y="30" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 16}" y="40">${esc(s.name)}</text>`);
  });
  chart.labels.forEach((label, g) => {
    const gy = top + g * groupH;
    out.push(
      `<text x="${labelW - 8}" y="${gy + (chart.series.length * barH) / 2 + 4}" text-anchor="end">${esc(label)}</text>`,
    );
    chart.series.forEach((s, i) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const y = gy + i * barH;
      out.push(
        `<rect x="${labelW}" y="${y}" width="${(x(v) - labelW).toFixed(1)}" height="${barH - 2}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
      out.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${y + barH - 4}">${v} ${esc(chart.unit)}</text>`);
    });
    const t = chart.targets?.[g];
    if (t !== null && t !== undefined) {
      const tx = x(t).toFixed(1);
      out.push(
        `<line x1="${tx}" x2="${tx}" y1="${gy - 2}" y2="${gy + chart.series.length * barH}" stroke="#c00" stroke-dasharray="3,2"/>`,
      );
    }
  });
  out.push(`<line x1="${labelW}" x2="${labelW}" y1="${top - 4}" y2="${height - 30}" stroke="#333"/>`);
  out.push(`<text x="${labelW}" y="${height - 10}" fill="#555">${esc(chart.unit)}; dashed red = target</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
