/**
 * Seasonal-naive forecaster with empirical prediction intervals: the forecast for time t is the last value observed
 * at or before t − one season (a day by default; t − d seasons when t is more than a season ahead), and the interval adds the empirical quantiles of the past
 * one-season-lag errors y(t) − y(t − season). This is the baseline that MASE is scaled by (Hyndman & Koehler 2006,
 * "Another look at measures of forecast accuracy", IJF 22(4)); its errors at any horizon up to one season follow
 * the same lag-one-season distribution, so the empirical interval is honest for the 1-day horizon.
 */
import type { ForecastBands, Forecaster } from './forecast-eval';

export interface SeasonalNaiveOptions {
  /** Season length in milliseconds (default one day). */
  readonly seasonMs?: number;
  /** How many past values (and errors) are kept (default 8192: more than four weeks at 5-minute steps). */
  readonly capacity?: number;
}

export class SeasonalNaiveForecaster implements Forecaster {
  private readonly season: number;
  private readonly cap: number;
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private readonly errors: Float64Array;
  private count = 0;
  private errorCount = 0;
  private absErrorSum = 0;
  private absErrorN = 0;

  constructor(options: SeasonalNaiveOptions = {}) {
    this.season = options.seasonMs ?? 86_400_000;
    this.cap = options.capacity ?? 8192;
    this.ts = new Float64Array(this.cap);
    this.vs = new Float64Array(this.cap);
    this.errors = new Float64Array(this.cap);
  }

  learn(timestampMs: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const lagged = this.valueAtOrBefore(timestampMs - this.season);
    if (lagged !== undefined) {
      const e = value - lagged;
      this.errors[this.errorCount % this.cap] = e;
      this.errorCount++;
      this.absErrorSum += Math.abs(e);
      this.absErrorN++;
    }
    this.ts[this.count % this.cap] = timestampMs;
    this.vs[this.count % this.cap] = value;
    this.count++;
  }

  /** In-sample mean absolute one-season-lag error: the MASE denominator. */
  seasonalNaiveMae(): number | undefined {
    return this.absErrorN === 0 ? undefined : this.absErrorSum / this.absErrorN;
  }

  forecast(targetsMs: ArrayLike<number>, coverage: number, out: ForecastBands): void {
    const kept = Math.min(this.errorCount, this.cap);
    let lo = 0;
    let hi = 0;
    if (kept > 0) {
      const sorted = this.errors.slice(0, kept).sort();
      lo = quantile(sorted, (1 - coverage) / 2);
      hi = quantile(sorted, 1 - (1 - coverage) / 2);
    }
    const last = this.count > 0 ? this.vs[(this.count - 1) % this.cap]! : 0;
    const lastT = this.count > 0 ? this.ts[(this.count - 1) % this.cap]! : 0;
    for (let k = 0; k < targetsMs.length; k++) {
      // Beyond one season ahead, the same time of day in the last observed season: ŷ(T) = y(T − d·season), d the
      // fewest whole seasons reaching observed data (Hyndman & Athanasopoulos, FPP 3rd ed., §5.2).
      const seasons = Math.max(1, Math.ceil((targetsMs[k]! - lastT) / this.season - 1e-9));
      const m = this.valueAtOrBefore(targetsMs[k]! - seasons * this.season) ?? last;
      out.mean[k] = m;
      out.lower[k] = m + lo;
      out.upper[k] = m + hi;
    }
  }

  /** Binary search in the ring of kept points (timestamps assumed non-decreasing; NAB has a few small jumps back). */
  private valueAtOrBefore(t: number): number | undefined {
    const kept = Math.min(this.count, this.cap);
    if (kept === 0) return undefined;
    const first = this.count - kept;
    const at = (j: number) => this.ts[(first + j) % this.cap]!;
    if (at(0) > t) return undefined;
    let lo = 0;
    let hi = kept - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (at(mid) <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.vs[(first + lo) % this.cap]!;
  }
}

/** Linear-interpolation quantile of sorted values (type 7, R's default). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const a = sorted[i]!;
  const b = sorted[Math.min(sorted.length - 1, i + 1)]!;
  return a + (h - i) * (b - a);
}
