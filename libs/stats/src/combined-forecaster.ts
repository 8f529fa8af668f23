import type { ForecastBandsOut } from './auto-ets-forecaster';
import { LeadTimeConformal, type LeadTimeConformalOptions } from './lead-time-conformal';
import { TidelineDetector, type ExpectedBand, type TidelineDetectorOptions } from './tideline-detector';
import { TimedHistory } from './timed-history';

/** Options of {@link CombinedForecaster}. */
export interface CombinedForecasterOptions {
  /** Options of the Tideline detector whose baseline is one of the three forecasts. */
  readonly detector?: TidelineDetectorOptions;
  /** Days in the seasonal median (default 7). */
  readonly medianDays?: number;
  /** How often the forecaster measures its own errors (default every hour of data). */
  readonly probeEveryMs?: number;
  /** Calibration store (leads, errors kept). */
  readonly conformal?: LeadTimeConformalOptions;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPACING_EVERY = 256;

/**
 * Tideline's forecaster: the median of three forecasts of each target time T — Tideline's baseline projection
 * (`TidelineDetector.predictInto`: the recent level decaying towards the seasonal baseline), seasonal naive (the
 * last value at or before T − d days, d the fewest whole days reaching observed data) and the seasonal median (the
 * median of the values nearest to T − d, T − d − 1, …, over `medianDays` days) — with intervals calibrated on the
 * series' own recent errors by lead time ({@link LeadTimeConformal}: every hour of data the combined forecast of 13
 * leads from 5 minutes to 7 days is registered and scored when the data arrive). Until a lead has errors, the
 * detector's own band is the interval.
 *
 * Why a median: each forecast fails in its own way (the level after a shift, yesterday's value after an unusual
 * day, the week's median after a change of regime); the median of three follows the two that agree. Median
 * combinations are robust to one bad member (Jose & Winkler 2008, "Simple robust averages of forecasts", IJF
 * 24(1)); combinations of simple methods beat selected single models in the M competitions (Makridakis, Spiliotis
 * & Assimakopoulos 2020, "The M4 Competition", IJF 36(1)). For intermittent (mostly zero) series, the two
 * value-reusing members agree on the zeros, which a smoothed level never reaches.
 *
 * Complexity: O(13) per learned point (history, detector, settling probes) plus 13 combined forecasts per hour of
 * data; memory bounded whatever the series' rate: 8 days of 5-minute slots ({@link TimedHistory}, 38,936 bytes; it
 * kept every point before, 1.1 MB for 8 days at 10 seconds), the detector's state, 13 × 168 errors and the pending
 * probes.
 *
 * @example
 * ```ts
 * const f = new CombinedForecaster();
 * for (let i = 0; i < 288 * 10; i++) f.learn(i * 300_000, 50 + 10 * Math.sin((2 * Math.PI * i) / 288));
 * const out = { mean: new Float64Array(1), lower: new Float64Array(1), upper: new Float64Array(1) };
 * f.forecast([288 * 10 * 300_000], 0.9, out); // mean ≈ 50, a narrow interval around it
 * ```
 */
export class CombinedForecaster {
  private readonly detector: TidelineDetector;
  private readonly history = new TimedHistory(8 * DAY);
  private readonly conformal: LeadTimeConformal;
  private readonly medianDays: number;
  private readonly probeEveryMs: number;
  private readonly band: ExpectedBand = { expected: 0, lower: 0, upper: 0 };
  private readonly members = new Float64Array(3);
  private readonly days: Float64Array;
  private readonly error = { lower: 0, upper: 0 };
  private nextProbe = -Infinity;
  private spacing = NaN;
  private sinceSpacing = 0;
  private readonly forecastAt = (t: number) => this.pointForecast(t);

  constructor(options: CombinedForecasterOptions = {}) {
    this.detector = new TidelineDetector(options.detector);
    this.conformal = new LeadTimeConformal(options.conformal);
    this.medianDays = options.medianDays ?? 7;
    this.probeEveryMs = options.probeEveryMs ?? HOUR;
    this.days = new Float64Array(this.medianDays);
  }

  learn(timestampMs: number, value: number): void {
    this.detector.scoreAndLearn(timestampMs, value);
    if (!Number.isFinite(value)) return;
    this.history.add(timestampMs, value);
    if (++this.sinceSpacing >= SPACING_EVERY || !(this.spacing > 0)) {
      this.spacing = this.history.medianSpacing();
      this.sinceSpacing = 0;
    }
    this.conformal.observe(timestampMs, value, this.tolerance());
    if (timestampMs >= this.nextProbe) {
      this.conformal.probe(timestampMs, this.forecastAt);
      this.nextProbe = timestampMs + this.probeEveryMs;
    }
  }

  /** Fills `out` for every target time (ms after the last learned point) with the combined forecast and interval. */
  forecast(targetsMs: ArrayLike<number>, coverage: number, out: ForecastBandsOut): void {
    const last = this.history.lastTime;
    for (let k = 0; k < targetsMs.length; k++) {
      const t = targetsMs[k]!;
      const mean = this.pointForecast(t);
      out.mean[k] = mean;
      if (this.conformal.interval(t - last, coverage, this.error)) {
        out.lower[k] = mean + this.error.lower;
        out.upper[k] = mean + this.error.upper;
      } else {
        this.detector.predictInto(t, coverage, this.band);
        out.lower[k] = Math.min(mean, this.band.lower);
        out.upper[k] = Math.max(mean, this.band.upper);
      }
    }
  }

  /** The median of the three member forecasts of time `t` (of those available). */
  pointForecast(t: number): number {
    const last = this.history.lastTime;
    if (!Number.isFinite(last)) return 0;
    let count = 0;
    if (this.detector.count > 0) {
      this.detector.predictInto(t, 0.9, this.band);
      if (Number.isFinite(this.band.expected)) this.members[count++] = this.band.expected;
    }
    const d0 = Math.max(1, Math.ceil((t - last) / DAY - 1e-9));
    const naive = this.history.atOrBefore(t - d0 * DAY);
    if (naive !== undefined) this.members[count++] = naive;
    const median = this.seasonalMedian(t, d0);
    if (median !== undefined) this.members[count++] = median;
    if (count === 0) return this.history.lastValue;
    return medianOf(this.members, count);
  }

  private seasonalMedian(t: number, d0: number): number | undefined {
    const tolerance = this.tolerance();
    let n = 0;
    for (let d = d0; d < d0 + this.medianDays; d++) {
      const v = this.history.nearest(t - d * DAY, tolerance);
      if (v !== undefined) this.days[n++] = v;
    }
    return n === 0 ? undefined : medianOf(this.days, n);
  }

  private tolerance(): number {
    return this.spacing > 0 ? this.spacing / 2 : 0;
  }
}

/** Median of the first `n` entries (sorts them in place). */
function medianOf(a: Float64Array, n: number): number {
  const s = a.subarray(0, n).sort();
  return n % 2 === 1 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
