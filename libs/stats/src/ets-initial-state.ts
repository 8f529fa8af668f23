import type { EtsSpec, EtsState } from './ets-filter';

/** At most this many leading seasons (or, without a season, values) set the initial state. */
const MAX_CYCLES = 4;
const NON_SEASONAL_POINTS = 20;

/**
 * A heuristic initial state for exponential smoothing from the first values of a regular series (NaN = missing).
 *
 * With a season of m steps and at least one full season: the means M₀…M_{k−1} of the first k ≤ 4 seasons give the
 * slope b₀ = (M_{k−1} − M₀) / ((k − 1)m) (0 when k = 1); each seasonal term is the mean over those seasons of the
 * value minus the line through the season means, centred to sum to zero; ℓ₀ is that line one step before the first
 * value. Without a season: the least-squares line through the first 20 values (ℓ₀ its value one step before the
 * first, b₀ its slope). Models without a trend take b₀ = 0 and, with a season, ℓ₀ = M₀. This is the classical
 * decomposition start of Holt–Winters (Hyndman, Koehler, Ord & Snyder 2008, *Forecasting with Exponential
 * Smoothing*, §2.6.1), averaged over a few seasons so that one noisy season does not set the profile.
 *
 * Complexity: O(min(n, 4m) + m) time, O(m) memory.
 *
 * @example
 * ```ts
 * const s = etsInitialState([1, 3, 2, 4, 3, 5], { trend: 'additive', period: 2 });
 * s.trend; // 0.5 (season means 2, 3, 4)
 * [...s.season]; // [-0.75, 0.75]; s.level: 1.25, so the first prediction ℓ₀ + b₀ + s₀ is 1
 * ```
 */
export function etsInitialState(values: ArrayLike<number>, spec: EtsSpec): EtsState {
  const m = spec.period;
  const n = values.length;
  const hasTrend = spec.trend !== 'none';
  if (m > 0 && n >= m) return seasonalStart(values, m, Math.min(MAX_CYCLES, Math.floor(n / m)), hasTrend);
  const line = leastSquaresLine(values, Math.min(n, NON_SEASONAL_POINTS));
  const slope = hasTrend ? line.slope : 0;
  const level = hasTrend ? line.intercept - line.slope : line.mean;
  return { level, trend: slope, season: new Float64Array(m) };
}

function finite(y: number): boolean {
  return y === y && y !== Infinity && y !== -Infinity;
}

function seasonalStart(values: ArrayLike<number>, m: number, k: number, hasTrend: boolean): EtsState {
  const means = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    let count = 0;
    for (let j = 0; j < m; j++) {
      const y = values[c * m + j]!;
      if (finite(y)) {
        sum += y;
        count++;
      }
    }
    means[c] = count > 0 ? sum / count : NaN;
  }
  const first = firstFinite(means);
  const last = lastFinite(means);
  const slope = last.index > first.index ? (last.value - first.value) / ((last.index - first.index) * m) : 0;
  const base = first.value - slope * first.index * m;
  // The line through the season means: value at step t is base + slope·(t − (m − 1)/2).
  const centre = (m - 1) / 2;
  const season = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < m; j++) {
      const t = c * m + j;
      const y = values[t]!;
      if (!finite(y)) continue;
      season[j] = season[j]! + (y - (base + slope * (t - centre)));
      counts[j] = counts[j]! + 1;
    }
  }
  let total = 0;
  let seen = 0;
  for (let j = 0; j < m; j++) {
    if (counts[j]! > 0) {
      season[j] = season[j]! / counts[j]!;
      total += season[j]!;
      seen++;
    }
  }
  const offset = seen > 0 ? total / seen : 0;
  for (let j = 0; j < m; j++) season[j] = counts[j]! > 0 ? season[j]! - offset : 0;
  const line0 = base + offset + slope * (-1 - centre);
  return hasTrend
    ? { level: line0, trend: slope, season }
    : { level: Number.isFinite(first.value) ? first.value + offset : 0, trend: 0, season };
}

function firstFinite(a: Float64Array): { index: number; value: number } {
  for (let i = 0; i < a.length; i++) if (finite(a[i]!)) return { index: i, value: a[i]! };
  return { index: 0, value: 0 };
}

function lastFinite(a: Float64Array): { index: number; value: number } {
  for (let i = a.length - 1; i >= 0; i--) if (finite(a[i]!)) return { index: i, value: a[i]! };
  return { index: 0, value: 0 };
}

/** Least-squares line through the finite values among the first `count`, indexed 0, 1, …; intercept at index 0. */
function leastSquaresLine(values: ArrayLike<number>, count: number) {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < count; t++) {
    const y = values[t]!;
    if (!finite(y)) continue;
    n++;
    sx += t;
    sy += y;
    sxx += t * t;
    sxy += t * y;
  }
  if (n === 0) return { intercept: 0, slope: 0, mean: 0 };
  const mean = sy / n;
  const d = n * sxx - sx * sx;
  const slope = n > 1 && d > 0 ? (n * sxy - sx * sy) / d : 0;
  return { intercept: (sy - slope * sx) / n, slope, mean };
}
