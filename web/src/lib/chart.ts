// Geometry of the best-so-far chart (pure, no DOM): scales, step paths and axis ticks for
// one series of improving val_bpb points per hardware class, like autoresearch's progress plot.
export interface Point { t: number; v: number; id: string }
export interface Series { name: string; points: Point[] }
export interface Box { width: number; height: number; left: number; right: number; top: number; bottom: number }
export interface PlottedSeries { name: string; path: string; dots: { x: number; y: number; point: Point }[] }
export interface Plot { series: PlottedSeries[]; xTicks: { x: number; t: number }[]; yTicks: { y: number; v: number }[] }

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

/** Lays the series out in `box`: time on x, val_bpb on y (lower is better, drawn lower). */
export function plot(input: Series[], box: Box, now = Date.now()): Plot {
  const all = input.flatMap((s) => s.points);
  if (all.length === 0) return { series: [], xTicks: [], yTicks: [] };
  let t0 = Math.min(...all.map((p) => p.t));
  let t1 = Math.max(...all.map((p) => p.t), Math.min(now, Math.max(...all.map((p) => p.t)) + 86_400_000));
  if (t1 - t0 < 3_600_000) (t0 -= 1_800_000), (t1 += 1_800_000);
  let v0 = Math.min(...all.map((p) => p.v));
  let v1 = Math.max(...all.map((p) => p.v));
  const pad = Math.max((v1 - v0) * 0.08, 0.002);
  v0 -= pad;
  v1 += pad;
  const x = (t: number) => box.left + ((t - t0) / (t1 - t0)) * (box.width - box.left - box.right);
  const y = (v: number) => box.top + ((v1 - v) / (v1 - v0)) * (box.height - box.top - box.bottom);
  // y grows downward on screen; higher val_bpb (worse) is drawn higher, so improvements step down.
  const series = input.map((s) => {
    const pts = [...s.points].sort((a, b) => a.t - b.t);
    let d = '';
    pts.forEach((p, i) => {
      d += i === 0 ? `M${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}` : `H${x(p.t).toFixed(1)}V${y(p.v).toFixed(1)}`;
    });
    if (pts.length) d += `H${x(t1).toFixed(1)}`;
    return { name: s.name, path: d, dots: pts.map((p) => ({ x: x(p.t), y: y(p.v), point: p })) };
  });
  const vs = niceStep(v1 - v0, 5);
  const yTicks: Plot['yTicks'] = [];
  for (let v = Math.ceil(v0 / vs) * vs; v <= v1 + 1e-12; v += vs) yTicks.push({ y: y(v), v: Number(v.toFixed(6)) });
  const ts = timeStep(t1 - t0, Math.max(2, Math.floor((box.width - box.left - box.right) / 140)));
  const xTicks: Plot['xTicks'] = [];
  // Labels are centred on their tick: leave out those that would be cut at the right edge.
  for (let t = Math.ceil(t0 / ts) * ts; t <= t1; t += ts) if (x(t) <= box.width - box.right - 36) xTicks.push({ x: x(t), t });
  return { series, xTicks, yTicks };
}
