// Geometry of the best-so-far chart (pure, no DOM): scales, step paths and axis ticks for
// one series of improving val_bpb points per hardware class, like autoresearch's progress plot.
// When any point's time is unknown, x is the order of the experiments, never a made-up timeline.
/** `t`: created_at in ms (for points whose time is unknown, it still orders them); `unknown`: no real time. */
export interface Point {
  t: number;
  v: number;
  id: string;
  unknown?: boolean;
  /** In order mode: the created_at that `t` replaced. */ at?: number;
}
export interface Series {
  name: string;
  points: Point[];
}
export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}
export interface PlottedSeries {
  name: string;
  path: string;
  dots: { x: number; y: number; point: Point }[];
}
/** `axis`: time, or experiment order (1, 2, … by created_at within each class) when some point's time is unknown. */
export interface Plot {
  axis: 'time' | 'order';
  series: PlottedSeries[];
  xTicks: { x: number; t: number }[];
  yTicks: { y: number; v: number }[];
}

export const PALETTE = ['#1d4ed8', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#475569'];

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TIME_STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

/** A calendar-friendly tick interval (hours, days, weeks…; multiples of it align to UTC midnight). */
export function timeStep(span: number, maxTicks: number): number {
  return TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / (365 * DAY)) * 365 * DAY;
}

/** Lays the series out in `box`: time (or experiment order) on x, val_bpb on y (lower is better, drawn lower). */
export function plot(input: Series[], box: Box, now = Date.now()): Plot {
  const all = input.flatMap((s) => s.points);
  if (all.length === 0) return { axis: 'time', series: [], xTicks: [], yTicks: [] };
  const { y, yTicks } = valueScale(all, box);
  const plotted = (x: (t: number) => number, pointsOf: (s: Series) => Point[], end: number) =>
    input.map((s) => {
      const pts = [...pointsOf(s)].sort((a, b) => a.t - b.t);
      let d = '';
      pts.forEach((p, i) => {
        d += i === 0 ? `M${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}` : `H${x(p.t).toFixed(1)}V${y(p.v).toFixed(1)}`;
      });
      if (pts.length) d += `H${x(end).toFixed(1)}`;
      return { name: s.name, path: d, dots: pts.map((p) => ({ x: x(p.t), y: y(p.v), point: p })) };
    });
  const width = box.width - box.left - box.right;

  if (all.some((p) => p.unknown)) {
    // Experiment order, each class its own: the n-th point of a class (by created_at, which keeps each
    // fork's row order) at x = n, never the global order in which records were imported.
    const rank = new Map<string, number>();
    for (const s of input)
      [...s.points].sort((a, b) => a.t - b.t || a.id.localeCompare(b.id)).forEach((p, i) => rank.set(`${s.name}\u0000${p.id}`, i + 1));
    const n = Math.max(...input.map((s) => s.points.length));
    const x = (r: number) => box.left + ((r - 0.5) / n) * width;
    const series = plotted(x, (s) => s.points.map((p) => ({ ...p, at: p.t, t: rank.get(`${s.name}\u0000${p.id}`)! })), n + 0.5);
    const step = Math.max(1, Math.round(niceStep(n, Math.max(2, Math.floor(width / 80)))));
    const xTicks: Plot['xTicks'] = [];
    for (let r = step === 1 ? 1 : step; r <= n; r += step) xTicks.push({ x: x(r), t: r });
    if (step > 1) xTicks.unshift({ x: x(1), t: 1 });
    return { axis: 'order', series, xTicks, yTicks };
  }

  let t0 = Math.min(...all.map((p) => p.t));
  let t1 = Math.max(...all.map((p) => p.t), Math.min(now, Math.max(...all.map((p) => p.t)) + 86_400_000));
  if (t1 - t0 < 3_600_000) ((t0 -= 1_800_000), (t1 += 1_800_000));
  const x = (t: number) => box.left + ((t - t0) / (t1 - t0)) * width;
  const series = plotted(x, (s) => s.points, t1);
  const ts = timeStep(t1 - t0, Math.max(2, Math.floor(width / 140)));
  const xTicks: Plot['xTicks'] = [];
  // Labels are centred on their tick: leave out those that would be cut at the right edge.
  for (let t = Math.ceil(t0 / ts) * ts; t <= t1; t += ts) if (x(t) <= box.width - box.right - 36) xTicks.push({ x: x(t), t });
  return { axis: 'time', series, xTicks, yTicks };
}

/** The y scale, padded: y grows downward on screen, so higher val_bpb (worse) is drawn higher and improvements step down. */
function valueScale(all: Point[], box: Box) {
  let v0 = Math.min(...all.map((p) => p.v));
  let v1 = Math.max(...all.map((p) => p.v));
  const pad = Math.max((v1 - v0) * 0.08, 0.002);
  v0 -= pad;
  v1 += pad;
  const y = (v: number) => box.top + ((v1 - v) / (v1 - v0)) * (box.height - box.top - box.bottom);
  const vs = niceStep(v1 - v0, 5);
  const yTicks: Plot['yTicks'] = [];
  for (let v = Math.ceil(v0 / vs) * vs; v <= v1 + 1e-12; v += vs) yTicks.push({ y: y(v), v: Number(v.toFixed(6)) });
  return { y, yTicks };
}
