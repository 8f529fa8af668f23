/** When a series is projected to reach a limit, as a range. */
export interface TimeUntilLimitRange {
  /** Milliseconds from the last point: 10 % chance of reaching the limit earlier. */
  readonly p10Ms: number;
  /** Median estimate. */
  readonly p50Ms: number;
  /** 90 % chance of having reached it by then; Infinity when the slow end of the range never does. */
  readonly p90Ms: number;
  /** Trend model used: a line, or a parabola when the growth accelerates. */
  readonly model: 'linear' | 'quadratic';
  /** Points of the current segment (after the last cleanup) that the projection stands on. */
  readonly points: number;
  /** The preferred trend's growth at the last point (units per ms; negative when falling to a lower limit). */
  readonly slopePerMs: number;
}

/** Options of {@link timeUntilLimitRange}. */
export interface TimeUntilLimitRangeOptions {
  /** Longest projection (default 365 days); a crossing later than this is "not heading there". */
  readonly horizonMs?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const Z80 = 1.2815515655446004;

/**
 * Time until a series reaches `limit`, as an 80 % range [p10, p90] around a median p50, from its recent points
 * (oldest first; pass the last few weeks). Pure: the points are the only input.
 *
 * 1. **Current segment.** A cleanup (a fall below the previous hour's maximum, or the previous two points' when
 *    they are further apart, by more than a quarter of the range and 10 robust σ of the point-to-point changes)
 *    starts a new segment; the last segment is projected (a disk that is cleaned up every night is judged on
 *    tonight's fill).
 * 2. **Cycles.** Hourly profiles of the day (≥ 2 days of points) and of the week (≥ 2 weeks), read by linear
 *    interpolation, from the whole window with each segment detrended by its own parabola (backfitting, Hastie &
 *    Tibshirani 1990, *Generalized Additive Models*).
 * 3. **Trends.** On the current segment without its cycles: a line, and a parabola when it bends towards the limit;
 *    the parabola is preferred when its AICc, with the effective number of points n(1 − ρ)/(1 + ρ) for the lag-1
 *    autocorrelation ρ of the parabola's residuals, beats the line's (the line's residuals would count a bend it
 *    misses as correlated noise and, on smooth input such as half-hour means, never let the parabola win). Both are
 *    also fitted to the recent half of the segment (a leak that speeds up shows in the recent slope first).
 * 4. **Bands.** Each trend's 80 % band: Student-t(G − k) × the cluster-robust standard error of the fitted trend
 *    (clusters of a day, or for segments shorter than three days of an hour or six points, whichever is longer;
 *    Liang & Zeger 1986; Cameron, Gelbach & Miller 2008), widened by a factor calibrated on the series' own past:
 *    the preferred fit from earlier origins in the segment, scored on the hourly means that followed (the 80th
 *    percentile of the errors in units of the band, at least 1: split-conformal calibration, Lei et al. 2018).
 * 5. **Crossings**, interpolated within the scan's step. p50: the first time the preferred trend + cycles reaches
 *    the limit; p10: the earliest time an upper band of any trend does; p90: the time the lower band of the
 *    segment's line does (no acceleration at all) — inverse prediction (Draper & Smith, *Applied Regression
 *    Analysis*, §3.2) extended to curves. A series falling towards a lower limit is handled by symmetry.
 *
 * Returns null with fewer than 12 points in the segment (or 6 spanning five hours: coarse means), when no trend
 * reaches the limit within `horizonMs`, or when the preferred trend is a line whose band allows no rise at all (the
 * lower end never reaches the limit).
 *
 * Complexity: O(n) per fit (about a dozen fits), O(horizon / step) per crossing scan; O(n) memory.
 *
 * @example
 * ```ts
 * const t = Array.from({ length: 2016 }, (_, i) => i * 300_000); // a week of 5-minute points
 * const y = t.map((ms, i) => 20 + ms / 7_200_000 + 0.2 * Math.sin(i)); // +0.5 per hour: 20 → ≈ 104 after a week
 * const r = timeUntilLimitRange(t, y, 114);
 * r !== null && r.p50Ms / 3_600_000; // ≈ 20 hours (10 more at 0.5 per hour), inside [p10, p90]
 * ```
 */
export function timeUntilLimitRange(
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  limit: number,
  options: TimeUntilLimitRangeOptions = {},
): TimeUntilLimitRange | null {
  const all = finitePoints(timestampsMs, values);
  if (all.t.length < 12) return null;
  // Mirror a falling approach to a lower limit so that the limit is always above.
  const sign = limit >= all.y[all.y.length - 1]! ? 1 : -1;
  const ys = sign === 1 ? all.y : all.y.map((v) => -v);
  const starts = segmentStarts(all.t, ys);
  const from = starts[starts.length - 1]!;
  const t = all.t.subarray(from);
  const y = ys.subarray(from);
  if (!enoughPoints(t)) return null;
  const cycles = fitCycles(all.t, ys, starts);
  const trends = candidateTrends(t, y, cycles);
  const horizon = options.horizonMs ?? 365 * DAY;
  const scan: Scan = {
    lastT: t[t.length - 1]!,
    limit: sign * limit,
    step: Math.max(medianStep(t), horizon / 200_000),
    horizon,
    widen: calibration(t, y, cycles),
  };
  let p50 = trends.preferred === undefined ? Infinity : crossing(scan, trends.preferred, 0);
  if (!Number.isFinite(p50)) {
    const medians = trends.all.map((f) => crossing(scan, f, 0)).filter(Number.isFinite);
    if (medians.length === 0) return null;
    p50 = median(medians);
  }
  let p10 = Infinity;
  for (const fit of trends.all) p10 = Math.min(p10, crossing(scan, fit, 1));
  const p90 = crossing(scan, trends.line, -1);
  // A line whose band allows no rise at all is not heading to the limit (the old estimator's 2-SE rule, here at the
  // band's 80 %); an accelerating fit may still be, with an open-ended range.
  if (!Number.isFinite(p90) && trends.preferred !== undefined && trends.preferred.model === 'linear') return null;
  return {
    p10Ms: Math.min(p10, p50),
    p50Ms: p50,
    p90Ms: Math.max(p90, p50),
    model: (trends.preferred ?? trends.line).model,
    points: t.length,
    slopePerMs: (sign * (trends.preferred ?? trends.line).slopePerDay) / DAY,
  };
}

/** Enough points to fit a trend to: twelve, or six spanning five hours when the points are coarse (hourly means). */
function enoughPoints(t: Float64Array): boolean {
  return t.length >= 12 || (t.length >= 6 && t[t.length - 1]! - t[0]! >= 5 * HOUR);
}

interface Scan {
  readonly lastT: number;
  readonly limit: number;
  readonly step: number;
  readonly horizon: number;
  /** Calibration factor of the band half-widths. */
  readonly widen: number;
}

/** Milliseconds until the fit (side 0), its upper band (+1) or its lower band (−1) first reaches the limit. */
function crossing(scan: Scan, fit: TrendFit, side: number): number {
  const at = (ms: number) => {
    const tt = scan.lastT + ms;
    return fit.value(tt) + (side === 0 ? 0 : side * scan.widen * fit.halfWidth(tt));
  };
  let before = at(0);
  for (let k = 1; k * scan.step <= scan.horizon; k++) {
    const now = at(k * scan.step);
    if (now >= scan.limit) {
      // Linear interpolation inside the step, so that a coarse step (hourly points) does not round the time up.
      const fraction = before >= scan.limit ? 0 : (scan.limit - before) / (now - before);
      return (k - 1 + fraction) * scan.step;
    }
    before = now;
  }
  return Infinity;
}

/** Step 3: the line and the parabola (when it bends towards the limit) through the segment and its recent half. */
function candidateTrends(t: Float64Array, y: Float64Array, cycles: Cycles) {
  const half = t.length >> 1;
  const windows = enoughPoints(t.subarray(half)) && t[t.length - 1]! - t[half]! >= 6 * HOUR ? [0, half] : [0];
  const all: TrendFit[] = [];
  let preferred: TrendFit | undefined;
  let line: TrendFit | undefined;
  for (const w of windows) {
    const { chosen, other } = fitTrends(t.subarray(w), y.subarray(w), cycles);
    for (const fit of [chosen, other]) {
      if (fit.model === 'quadratic' && !(fit.curvature > 0)) continue;
      all.push(fit);
      if (w === 0 && fit === chosen) preferred = fit;
      if (w === 0 && fit.model === 'linear') line = fit;
    }
  }
  return { all, preferred, line: line! };
}

/**
 * Step 4, calibration on the series' own past: the same fit from earlier origins in the segment (at 80, 60, 40 and
 * 20 % of it), its hourly mean errors on the data that followed, in units of its own band half-width; the factor is
 * their 80th percentile (at least 1), so that the band would have held 80 % of what did happen.
 */
function calibration(t: Float64Array, y: Float64Array, cycles: Cycles): number {
  const n = t.length;
  const lastT = t[n - 1]!;
  const scaled: number[] = [];
  for (let j = 1; j <= 4; j++) {
    const m = Math.floor((n * (5 - j)) / 5);
    if (m < 12 || lastT - t[m - 1]! < HOUR) continue;
    const { chosen } = fitTrends(t.subarray(0, m), y.subarray(0, m), cycles);
    let blockStart = t[m]!;
    let sum = 0;
    let count = 0;
    for (let i = m; i <= n; i++) {
      if (i === n || t[i]! >= blockStart + HOUR) {
        if (count > 0) {
          const centre = blockStart + HOUR / 2;
          const w = chosen.halfWidth(centre);
          if (w > 0) scaled.push(Math.abs(sum / count) / w);
        }
        if (i === n) break;
        blockStart = t[i]!;
        sum = 0;
        count = 0;
      }
      sum += y[i]! - chosen.value(t[i]!);
      count++;
    }
  }
  if (scaled.length < 5) return 1;
  return Math.max(1, quantile80(scaled));
}

function quantile80(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.min(s.length - 1, Math.ceil(0.8 * s.length) - 1)]!;
}

function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function finitePoints(ts: ArrayLike<number>, vs: ArrayLike<number>) {
  const t: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < vs.length; i++) {
    if (Number.isFinite(vs[i]!) && Number.isFinite(ts[i]!)) {
      t.push(ts[i]!);
      y.push(vs[i]!);
    }
  }
  return { t: Float64Array.from(t), y: Float64Array.from(y) };
}

function medianOf(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  return s.length === 0 ? NaN : s[s.length >> 1]!;
}

function medianStep(t: Float64Array): number {
  const d = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i++) d[i - 1] = t[i]! - t[i - 1]!;
  const m = medianOf(d);
  return m > 0 ? m : HOUR;
}

/** Indices where segments start: 0 and just after every cleanup (see step 1). */
function segmentStarts(t: Float64Array, y: Float64Array): number[] {
  const n = y.length;
  const diffs = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) diffs[i - 1] = y[i]! - y[i - 1]!;
  const mid = medianOf(diffs);
  const mad = medianOf(diffs.map((d) => Math.abs(d - mid))) * 1.4826;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, y[i]!);
    max = Math.max(max, y[i]!);
  }
  const threshold = Math.max(0.25 * (max - min), 10 * mad);
  // The previous hour, or the previous two points when they are further apart (a cleanup in the middle of an hour
  // splits its drop over two hourly means).
  const windowMs = Math.max(HOUR, 2 * medianStep(t));
  const starts = [0];
  let windowStart = 0;
  // Running maximum of the previous hour by a monotone deque of indices.
  const deque: number[] = [];
  let head = 0;
  for (let i = 0; i < n; i++) {
    while (windowStart < i && t[windowStart]! < t[i]! - windowMs) windowStart++;
    while (head < deque.length && deque[head]! < windowStart) head++;
    if (head < deque.length && y[deque[head]!]! - y[i]! > threshold) {
      // One cleanup may take several points: a new segment starts at the lowest of them.
      if (starts[starts.length - 1]! >= i - Math.round(HOUR / Math.max(1, t[i]! - t[i - 1]!))) starts.pop();
      starts.push(i);
      deque.length = 0;
      head = 0;
    }
    while (deque.length > head && y[deque[deque.length - 1]!]! <= y[i]!) deque.pop();
    deque.push(i);
  }
  if (starts[0] !== 0) starts.unshift(0);
  return starts;
}

/** Hour-of-period profile: mean residual per hourly bin, centred, read by linear interpolation between bin centres. */
class Profile {
  readonly values: Float64Array;
  /** Standard error of a bin mean (residual spread / √(points per bin)). */
  readonly standardError: number;

  constructor(
    readonly periodMs: number,
    readonly bins: number,
    t: Float64Array,
    r: Float64Array,
  ) {
    const sum = new Float64Array(bins);
    const count = new Float64Array(bins);
    for (let i = 0; i < t.length; i++) {
      const b = Math.min(bins - 1, Math.floor(this.position(t[i]!) + 0.5) % bins);
      sum[b] = sum[b]! + r[i]!;
      count[b] = count[b]! + 1;
    }
    let total = 0;
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      if (count[b]! > 0) {
        sum[b] = sum[b]! / count[b]!;
        total += sum[b]!;
        seen++;
      }
    }
    const mean = seen > 0 ? total / seen : 0;
    for (let b = 0; b < bins; b++) sum[b] = count[b]! > 0 ? sum[b]! - mean : 0;
    this.values = sum;
    let ss = 0;
    for (let i = 0; i < t.length; i++) ss += (r[i]! - this.value(t[i]!)) ** 2;
    this.standardError = Math.sqrt(ss / Math.max(1, t.length) / Math.max(1, t.length / bins));
  }

  /** Position between bin centres, in [0, bins). */
  position(t: number): number {
    const phase = t - Math.floor(t / this.periodMs) * this.periodMs;
    const p = (phase / this.periodMs) * this.bins - 0.5;
    return p < 0 ? p + this.bins : p;
  }

  value(t: number): number {
    const p = this.position(t);
    const i = Math.floor(p);
    const f = p - i;
    return (1 - f) * this.values[i % this.bins]! + f * this.values[(i + 1) % this.bins]!;
  }
}

interface Cycles {
  readonly daily: Profile | undefined;
  readonly weekly: Profile | undefined;
}

function cycleValue(c: Cycles, t: number): number {
  return (c.daily?.value(t) ?? 0) + (c.weekly?.value(t) ?? 0);
}

/**
 * Step 2, cycles: hourly profiles of the day and the week from the whole window, each segment detrended by its own
 * least-squares line, by backfitting (a few rounds of lines given profiles, profiles given lines).
 */
function fitCycles(t: Float64Array, y: Float64Array, starts: readonly number[]): Cycles {
  const n = y.length;
  const span = t[n - 1]! - t[0]!;
  if (span < 2 * DAY) return { daily: undefined, weekly: undefined };
  const x = t.map((v) => (v - t[n - 1]!) / DAY);
  let cycles: Cycles = { daily: undefined, weekly: undefined };
  const work = new Float64Array(n);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < n; i++) work[i] = y[i]! - cycleValue(cycles, t[i]!);
    const resid = new Float64Array(n);
    starts.forEach((from, s) => {
      const to = s + 1 < starts.length ? starts[s + 1]! : n;
      const coef = to - from >= 4 ? polyfit(x.subarray(from, to), work.subarray(from, to), 3) : [0, 0, 0];
      for (let i = from; i < to; i++) resid[i] = y[i]! - poly(coef, x[i]!);
    });
    const weeklyPart = cycles.weekly;
    const forDaily = resid.map((v, i) => v - (weeklyPart?.value(t[i]!) ?? 0));
    const daily = new Profile(DAY, 24, t, forDaily);
    const weekly =
      span >= 2 * WEEK
        ? new Profile(
            WEEK,
            168,
            t,
            resid.map((v, i) => v - daily.value(t[i]!)),
          )
        : undefined;
    cycles = { daily, weekly };
  }
  return cycles;
}

interface TrendFit {
  readonly model: 'linear' | 'quadratic';
  /** Curvature (per day²); 0 for a line. */
  readonly curvature: number;
  /** Growth of the trend at the last point of the fit (per day). */
  readonly slopePerDay: number;
  /** Trend + cycles at a (future) time. */
  value(t: number): number;
  /** Half-width of the 80 % band of the fitted trend + cycles at a time. */
  halfWidth(t: number): number;
}

/** Steps 3 and 4 on a stretch of the segment, cycles removed: a line and a parabola with their bands, the preferred first. */
function fitTrends(t: Float64Array, y: Float64Array, cycles: Cycles): { chosen: TrendFit; other: TrendFit } {
  const n = t.length;
  const t0 = t[n - 1]!;
  const x = t.map((v) => (v - t0) / DAY);
  const z = y.map((v, i) => v - cycleValue(cycles, t[i]!));
  // Clusters for the covariance: days when the segment spans at least three, else hours, or six points when the
  // points are coarser (a cluster of one hourly mean would ignore the correlation of neighbouring hours).
  const block = t0 - t[0]! >= 3 * DAY ? DAY : Math.max(HOUR, 6 * medianStep(t));
  const cluster = t.map((v) => Math.floor((v - t0) / block));
  const cycleVar = (cycles.daily?.standardError ?? 0) ** 2 + (cycles.weekly?.standardError ?? 0) ** 2;
  const fits = ([2, 3] as const).map((k) => {
    const coef = n > k + 1 ? polyfit(x, z, k) : [z[n - 1]!, 0, 0].slice(0, k);
    const residuals = z.map((v, i) => v - poly(coef, x[i]!));
    let sse = 0;
    for (const r of residuals) sse += r * r;
    const { cov, clusters } = clusterRobust(x, residuals, k, cluster);
    const critical = studentT90(Math.max(1, clusters - k));
    const fit: TrendFit = {
      model: k === 2 ? 'linear' : 'quadratic',
      curvature: k === 3 ? coef[2]! : 0,
      slopePerDay: coef[1] ?? 0,
      value: (tt) => poly(coef, (tt - t0) / DAY) + cycleValue(cycles, tt),
      halfWidth: (tt) => {
        const d = (tt - t0) / DAY;
        const g = k === 2 ? [1, d] : [1, d, d * d];
        let v = cycleVar;
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) v += g[i]! * cov[i]![j]! * g[j]!;
        return critical * Math.sqrt(Math.max(0, v));
      },
    };
    return { fit, sse, k, residuals };
  });
  const rho = lagOneCorrelation(fits[1]!.residuals);
  const nEff = Math.max(4, (n * (1 - rho)) / (1 + rho));
  const aicc = (f: (typeof fits)[number]) =>
    nEff * Math.log(Math.max(f.sse, 1e-300) / n) +
    2 * (f.k + 1) +
    (2 * (f.k + 1) * (f.k + 2)) / Math.max(1, nEff - f.k - 2);
  const quadratic = aicc(fits[1]!) < aicc(fits[0]!);
  return quadratic ? { chosen: fits[1]!.fit, other: fits[0]!.fit } : { chosen: fits[0]!.fit, other: fits[1]!.fit };
}

function poly(coef: readonly number[], d: number): number {
  return coef[0]! + coef[1]! * d + (coef.length > 2 ? coef[2]! * d * d : 0);
}

/** Least-squares polynomial with k coefficients (k = 2: line, 3: parabola) by the normal equations. */
function polyfit(x: Float64Array, y: Float64Array, k: number): number[] {
  const a = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = 0; i < x.length; i++) {
    const g = k === 2 ? [1, x[i]!] : [1, x[i]!, x[i]! * x[i]!];
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) a[r]![c] = a[r]![c]! + g[r]! * g[c]!;
      a[r]![k] = a[r]![k]! + g[r]! * y[i]!;
    }
  }
  return solve(a, k);
}

/** Gauss–Jordan elimination with partial pivoting on an augmented k × (k + 1) matrix. */
function solve(a: Float64Array[], k: number): number[] {
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    if (pivot === 0) continue;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / pivot;
      for (let j = c; j <= k; j++) a[r]![j] = a[r]![j]! - f * a[c]![j]!;
    }
  }
  return Array.from({ length: k }, (_, r) => (a[r]![r]! === 0 ? 0 : a[r]![k]! / a[r]![r]!));
}

function invert(m: number[][]): number[][] {
  const k = m.length;
  const a = m.map((row, r) => [...row, ...Array.from({ length: k }, (_, c) => (c === r ? 1 : 0))]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let j = 0; j < 2 * k; j++) a[c]![j] = a[c]![j]! / pivot;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let j = 0; j < 2 * k; j++) a[r]![j] = a[r]![j]! - f * a[c]![j]!;
    }
  }
  return a.map((row) => row.slice(k));
}

function lagOneCorrelation(r: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < r.length; i++) {
    den += r[i]! * r[i]!;
    if (i > 0) num += r[i]! * r[i - 1]!;
  }
  return den > 0 ? Math.min(0.999, Math.max(-0.999, num / den)) : 0;
}

/**
 * Cluster-robust (CR1) covariance of least-squares coefficients, clusters of consecutive points (days or hours):
 * (XᵀX)⁻¹ (Σ_g X_gᵀe_g e_gᵀX_g) (XᵀX)⁻¹ · G/(G − 1) (Liang & Zeger 1986; with few clusters, Student-t critical
 * values with G − k degrees of freedom, Cameron, Gelbach & Miller 2008, REStat 90(3)).
 */
function clusterRobust(
  x: Float64Array,
  e: Float64Array,
  k: number,
  cluster: Float64Array,
): { cov: number[][]; clusters: number } {
  const n = x.length;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const meat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const score = new Array<number>(k).fill(0);
  let clusters = 0;
  const flush = () => {
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) meat[r]![c]! += score[r]! * score[c]!;
    score.fill(0);
    clusters++;
  };
  for (let i = 0; i < n; i++) {
    if (i > 0 && cluster[i] !== cluster[i - 1]) flush();
    const g = k === 2 ? [1, x[i]!] : [1, x[i]!, x[i]! * x[i]!];
    for (let r = 0; r < k; r++) {
      score[r]! += g[r]! * e[i]!;
      for (let c = 0; c < k; c++) xtx[r]![c]! += g[r]! * g[c]!;
    }
  }
  flush();
  const inv = invert(xtx);
  const mul = (p: number[][], q: number[][]) =>
    p.map((row) => q[0]!.map((_, c) => row.reduce((acc, v, j) => acc + v * q[j]![c]!, 0)));
  const scale = clusters > 1 ? clusters / (clusters - 1) : 1;
  return { cov: mul(mul(inv, meat), inv).map((row) => row.map((v) => v * scale)), clusters };
}

/**
 * 0.9 quantile of Student's t with ν degrees of freedom: exact for ν ≤ 4 (SciPy `t.ppf(0.9, ν)`), else the
 * Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun 26.7.5), within 1.2e-4 for ν ≥ 5.
 */
function studentT90(nu: number): number {
  if (nu <= 1) return 3.077683537175253; // tan(0.4π)
  if (nu <= 2) return 1.885618083164127; // (2p − 1)/√(2p(1 − p)), p = 0.9
  if (nu <= 3) return 1.637744353696209;
  if (nu <= 4) return 1.533206274058944;
  const z = Z80;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * nu) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * nu ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu ** 3)
  );
}
