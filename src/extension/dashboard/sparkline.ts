// Sparkline geometry: data points (time, value) scaled into a small SVG box and written as path data.

/** A point in data units: x is a time in ms, y a reading. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The data range drawn: x0..x1 left to right, y0..y1 bottom to top. */
export interface Domain {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** The SVG box in px; `pad` keeps the stroke and end dot inside it. */
export interface Box {
  readonly width: number;
  readonly height: number;
  readonly pad: number;
}

const round = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * Maps a data point into the box: time runs left to right, values bottom to top, both clamped to the domain. A
 * domain with no width puts x at the right edge (the only reading is the latest); one with no height centres y.
 */
export function toBox(p: Point, d: Domain, box: Box): Point {
  const w = box.width - 2 * box.pad;
  const h = box.height - 2 * box.pad;
  const fx = d.x1 > d.x0 ? Math.min(1, Math.max(0, (p.x - d.x0) / (d.x1 - d.x0))) : 1;
  const fy = d.y1 > d.y0 ? Math.min(1, Math.max(0, (p.y - d.y0) / (d.y1 - d.y0))) : 0.5;
  return { x: box.pad + fx * w, y: box.pad + (1 - fy) * h };
}

/** SVG path data for runs of points: each run is one continuous line ("M x y L x y …"); gaps separate runs. */
export function sparklinePath(runs: readonly (readonly Point[])[], d: Domain, box: Box): string {
  return runs
    .filter((run) => run.length > 0)
    .map((run) =>
      run
        .map((p, i) => {
          const q = toBox(p, d, box);
          return `${i === 0 ? 'M' : 'L'}${round(q.x)} ${round(q.y)}`;
        })
        .join(''),
    )
    .join('');
}

/**
 * Readings that hold until the next one (a device reports its signal only when it moves) as a staircase: each
 * value stays level until the next reading's time, the last one until `until` when given (a device still online).
 */
export function stepRun(points: readonly Point[], until?: number): Point[] {
  const out: Point[] = [];
  points.forEach((p, i) => {
    if (i > 0 && points[i - 1].y !== p.y) out.push({ x: p.x, y: points[i - 1].y });
    out.push(p);
  });
  const last = points[points.length - 1];
  if (last && until !== undefined && until > last.x) out.push({ x: until, y: last.y });
  return out;
}

/**
 * The value range to draw: `fixed` (a scale the readers know, e.g. −115…−45 dBm), widened to include every
 * value so nothing is clipped.
 */
export function valueRange(values: readonly number[], fixed: readonly [number, number]): [number, number] {
  return [Math.min(fixed[0], ...values), Math.max(fixed[1], ...values)];
}
