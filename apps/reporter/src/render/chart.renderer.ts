import { formatDuration, zonedParts } from '../analysis/zoned-time';
import { textWidth } from './bitmap-font';
import { Raster, type Rgb } from './raster';

export interface ChartInput {
  readonly title: string;
  readonly times: Float64Array;
  readonly value: Float64Array;
  readonly expected: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Anomalous points, drawn as dots coloured by level (info, warning, critical). */
  readonly anomalies: readonly {
    readonly time: number;
    readonly value: number;
    readonly level?: 'info' | 'warning' | 'critical';
  }[];
  /** The series' alerts: a shaded span from start to end, a line where each fired. */
  readonly alerts?: readonly { readonly start: number; readonly end: number; readonly severity: string }[];
  /** A configured limit, drawn as a red line when it is near the data. */
  readonly limit?: number;
  /**
   * When the series reaches its limit, from `until` (the report's projection): written in the top-right corner as
   * p50 and the p10–p90 range.
   */
  readonly projection?: {
    readonly label: string;
    readonly p10Ms: number;
    readonly p50Ms: number;
    readonly p90Ms: number;
  };
  readonly timeZone: string;
  readonly from: number;
  readonly until: number;
  /** A line written in the plot's top-left corner (e.g. that the chart is zoomed to where the series has data). */
  readonly note?: string;
}

const COLORS = {
  axis: [120, 120, 120] as Rgb,
  grid: [232, 232, 232] as Rgb,
  band: [120, 170, 230] as Rgb,
  expected: [40, 100, 190] as Rgb,
  value: [30, 30, 30] as Rgb,
  anomaly: [215, 40, 40] as Rgb,
  warning: [230, 140, 20] as Rgb,
  info: [110, 110, 200] as Rgb,
  alert: [240, 90, 90] as Rgb,
  limit: [200, 30, 30] as Rgb,
  text: [60, 60, 60] as Rgb,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Spacings of the time labels of a short chart: the first that gives at most 8 labels. */
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720].map((minutes) => minutes * 60_000);

export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 220;

/**
 * One series over the report's period: the baseline band (lower–upper, shaded) with its expected line, the values,
 * its alerts as red spans (firing to resolved), anomalous points as dots (red critical, amber warning, blue info), and
 * the limit when one is configured, and the projection (p50 and p10–p90) when the series is heading for it. Day
 * boundaries and ~5 value ticks in the report's timezone. Returns PNG bytes.
 */
export function renderChart(input: ChartInput): Buffer {
  const r = new Raster(CHART_WIDTH, CHART_HEIGHT);
  const left = 52;
  const right = CHART_WIDTH - 10;
  const top = 20;
  const bottom = CHART_HEIGHT - 20;
  let lo = Infinity;
  let hi = -Infinity;
  const consider = (v: number): void => {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  for (const arr of [input.value, input.lower, input.upper, input.expected]) for (const v of arr) consider(v);
  for (const a of input.anomalies) consider(a.value);
  if (
    input.limit !== undefined &&
    Number.isFinite(lo) &&
    input.limit <= hi + (hi - lo) * 0.5 &&
    input.limit >= lo - (hi - lo) * 0.5
  ) {
    consider(input.limit);
  }
  r.text(left, 5, input.title.slice(0, 110), COLORS.text);
  if (!Number.isFinite(lo)) {
    r.text(left + 200, (top + bottom) / 2, 'NO DATA IN THIS PERIOD', COLORS.text, 2);
    return r.toPng();
  }
  if (hi === lo) {
    hi += Math.abs(hi) * 0.05 || 1;
    lo -= Math.abs(lo) * 0.05 || 1;
  }
  const ticks = niceTicks(lo, hi, 5);
  lo = Math.min(lo, ticks[0]!);
  hi = Math.max(hi, ticks[ticks.length - 1]!);
  const x = (t: number): number => left + ((t - input.from) / (input.until - input.from)) * (right - left);
  const y = (v: number): number => bottom - ((v - lo) / (hi - lo)) * (bottom - top);

  for (const tick of ticks) {
    const ty = Math.round(y(tick));
    r.fillRect(left, ty, right - left, 1, COLORS.grid);
    const label = formatTick(tick);
    r.text(left - 6 - textWidth(label), ty - 3, label, COLORS.text);
  }
  // Day boundaries at local midnight; on a chart of two days or less (zoomed to its data), hours too.
  const span = input.until - input.from;
  const step = span > 2 * DAY_MS ? HOUR_MS : (TIME_STEPS.find((s) => span / s <= 8) ?? DAY_MS);
  for (let t = Math.ceil(input.from / step) * step; t < input.until; t += step) {
    const z = zonedParts(t, input.timeZone);
    const midnight = z.hour === 0 && z.minute === 0;
    if (span > 2 * DAY_MS && !midnight) continue;
    const tx = Math.round(x(t));
    r.fillRect(tx, top, 1, bottom - top, COLORS.grid);
    const label = midnight
      ? `${z.weekday.slice(0, 3)} ${z.date.slice(8)}`
      : `${String(z.hour).padStart(2, '0')}:${String(z.minute).padStart(2, '0')}`;
    r.text(tx + 3, bottom + 6, label, COLORS.text);
  }
  r.fillRect(left, bottom, right - left, 1, COLORS.axis);
  r.fillRect(left, top, 1, bottom - top, COLORS.axis);
  for (const a of input.alerts ?? []) {
    if (a.end < input.from || a.start >= input.until) continue;
    const xa = Math.round(x(Math.max(a.start, input.from)));
    const xb = Math.round(x(Math.min(a.end, input.until)));
    r.fillRect(xa, top, Math.max(1, xb - xa), bottom - top, COLORS.alert, 0.15);
    if (a.start >= input.from) r.fillRect(xa, top, 1, bottom - top, COLORS.alert, 0.8);
  }

  // Baseline band: a vertical span per pixel column, interpolated between buckets.
  const n = input.times.length;
  for (let i = 0; i + 1 < n; i++) {
    const l0 = input.lower[i]!;
    const u0 = input.upper[i]!;
    const l1 = Number.isFinite(input.lower[i + 1]!) ? input.lower[i + 1]! : l0;
    const u1 = Number.isFinite(input.upper[i + 1]!) ? input.upper[i + 1]! : u0;
    if (!Number.isFinite(l0) || !Number.isFinite(u0)) continue;
    const xa = Math.round(x(input.times[i]!));
    const xb = Math.round(x(input.times[i + 1]!));
    for (let px = xa; px < xb; px++) {
      const f = (px - xa) / Math.max(1, xb - xa);
      const ya = y(u0 + (u1 - u0) * f);
      const yb = y(l0 + (l1 - l0) * f);
      r.fillRect(px, Math.min(ya, yb), 1, Math.max(1, Math.abs(yb - ya)), COLORS.band, 0.3);
    }
  }
  polyline(r, input.times, input.expected, x, y, COLORS.expected, 1);
  polyline(r, input.times, input.value, x, y, COLORS.value, 1.6);
  if (input.limit !== undefined && input.limit >= lo && input.limit <= hi) {
    const ly = Math.round(y(input.limit));
    for (let px = left; px < right; px += 8) r.fillRect(px, ly, 5, 1, COLORS.limit);
    const label = `LIMIT ${formatTick(input.limit)}`;
    r.text(right - textWidth(label) - 2, ly - 10, label, COLORS.limit);
  }
  if (input.projection) {
    const p = input.projection;
    const text = `${p.label} in ${formatDuration(p.p50Ms)} (p10-p90 ${formatDuration(p.p10Ms)} - ${formatDuration(p.p90Ms)})`;
    // Inside the plot's top-right corner, on white (the title runs along the top edge).
    const w = textWidth(text);
    r.fillRect(right - w - 5, top + 2, w + 4, 11, [255, 255, 255], 0.85);
    r.text(right - w - 3, top + 4, text, COLORS.limit);
  }
  if (input.note) {
    const w = textWidth(input.note);
    r.fillRect(left + 2, top + 2, w + 4, 11, [255, 255, 255], 0.85);
    r.text(left + 4, top + 4, input.note, COLORS.text);
  }
  for (const a of input.anomalies) {
    if (!Number.isFinite(a.value) || a.time < input.from || a.time >= input.until) continue;
    const color = a.level === 'info' ? COLORS.info : a.level === 'warning' ? COLORS.warning : COLORS.anomaly;
    r.circle(x(a.time), y(a.value), 3.2, color, 0.9);
  }
  return r.toPng();
}

function polyline(
  r: Raster,
  times: Float64Array,
  values: Float64Array,
  x: (t: number) => number,
  y: (v: number) => number,
  color: Rgb,
  width: number,
): void {
  let prev: [number, number] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      prev = undefined; // a gap stays a gap
      continue;
    }
    const p: [number, number] = [x(times[i]!), y(v)];
    if (prev) r.line(prev[0], prev[1], p[0], p[1], color, width);
    else r.fillRect(p[0], p[1], 1, 1, color);
    prev = p;
  }
}

/** Round tick values (1, 2, 2.5, 5 × 10^k steps, at most about `count`) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}K`;
  if (a >= 100 || v === 0) return v.toFixed(0);
  return Number(v.toPrecision(3)).toString();
}
