import type { PointScorer } from './point-scorer';

/** Options of {@link HoltWintersDetector}; the defaults are the untuned reference configuration. */
export interface HoltWintersDetectorOptions {
  /** Level smoothing α in (0, 1] (default 0.3, as in the reference river configuration). */
  alpha?: number;
  /** Trend smoothing β in [0, 1] (default 0.1; 0 keeps the initial trend). */
  beta?: number;
  /** Seasonal smoothing γ in [0, 1] (default 0.1: a seasonal index forgets half of what it knew in about a week). */
  gamma?: number;
  /**
   * Points per season. `'daily'` (the default): one day of points at the series' sampling step (the median gap of
   * its first {@link HoltWintersDetector.STEP_PROBE} timestamps); no seasonal term when a day holds fewer than 2
   * points or more than `maxSeasonLength`. A number ≥ 2 fixes the season length; 0 turns the seasonal term off
   * (Holt's linear trend method).
   */
  seasonLength?: 'daily' | number;
  /** Longest daily season, in points (default 288: one day of 5-minute points); bounds the memory per series. */
  maxSeasonLength?: number;
  /** Half-width of the band, in residual σ (default 3.5, river's `n_std` of the reference configuration). */
  bandSigmas?: number;
  /** Residuals the σ must rest on before any score is produced (default 10). */
  warmUpResiduals?: number;
}

const DAY_MS = 86_400_000;

/**
 * A predictive anomaly detector on additive Holt–Winters exponential smoothing with a residual-σ band: the peer the
 * evaluation sets beside Tideline's detector, in the manner of river's `PredictiveAnomalyDetection(HoltWinters(α
 * 0.3, β 0.1), n_std 3.5)`, untuned.
 *
 * Model (Winters 1960; the error-correction equations of Hyndman & Athanasopoulos, *Forecasting: Principles and
 * Practice*, 3rd ed., §8.3), season length m, one update per point:
 * `ŷ_t = ℓ_{t−1} + b_{t−1} + s_{t−m}`,
 * `ℓ_t = α(y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + b_{t−1})`,
 * `b_t = β(ℓ_t − ℓ_{t−1}) + (1 − β)b_{t−1}`,
 * `s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1 − γ)s_{t−m}`.
 * Initialisation as river's `HoltWinters` does it online, additively: from the first k = max(2, m) values,
 * ℓ = their mean, b = the mean of their first differences, s_i = y_i − ℓ. Those points score 0.
 *
 * Score: the one-step residual e = y − ŷ against the residual σ, the root mean square of every earlier one-step
 * residual (the σ of an ETS model's errors; river likewise keeps all of them): r = |e| / (bandSigmas·σ), score =
 * r / (1 + r). So the band's edge ŷ ± 3.5σ scores 0.5, and unlike river's score (squared error over its threshold,
 * capped at 1) larger deviations keep ranking higher. Scored before learning; time arrives with the point and only
 * sets the season length. A non-finite value scores 0 and is not learned.
 *
 * Complexity: O(1) per point after initialisation; memory m + 9 doubles (≤ 2.4 KB with the defaults).
 * A reference for comparisons, not a production detector.
 *
 * @example
 * ```ts
 * const hw = new HoltWintersDetector({ seasonLength: 0, warmUpResiduals: 1 });
 * hw.scoreAndLearn(0, 1); // 0 (initialising)
 * hw.scoreAndLearn(60_000, 2); // 0 (initialised: level 1.5, trend 1)
 * hw.prediction; // 2.5
 * ```
 */
export class HoltWintersDetector implements PointScorer {
  /** Timestamps whose median gap sets the daily season length. */
  static readonly STEP_PROBE = 9;

  private readonly alpha: number;
  private readonly beta: number;
  private readonly gamma: number;
  private readonly bandSigmas: number;
  private readonly warmUpResiduals: number;
  private readonly maxSeasonLength: number;
  private m: number;
  private readonly probeTimes = new Float64Array(HoltWintersDetector.STEP_PROBE);
  private buffer: Float64Array;
  private buffered = 0;
  private initialised = false;
  private level = 0;
  private trend = 0;
  private season: Float64Array = new Float64Array(0);
  /** Index into `season` of s_{t−m} for the next point. */
  private seasonPos = 0;
  private residuals = 0;
  private sumSquares = 0;

  constructor(options: HoltWintersDetectorOptions = {}) {
    this.alpha = options.alpha ?? 0.3;
    this.beta = options.beta ?? 0.1;
    this.gamma = options.gamma ?? 0.1;
    this.bandSigmas = options.bandSigmas ?? 3.5;
    this.warmUpResiduals = options.warmUpResiduals ?? 10;
    this.maxSeasonLength = options.maxSeasonLength ?? 288;
    const season = options.seasonLength ?? 'daily';
    if (!(this.alpha > 0 && this.alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${this.alpha}`);
    if (!(this.beta >= 0 && this.beta <= 1)) throw new RangeError(`beta must be in [0, 1], got ${this.beta}`);
    if (!(this.gamma >= 0 && this.gamma <= 1)) throw new RangeError(`gamma must be in [0, 1], got ${this.gamma}`);
    if (!(this.bandSigmas > 0)) throw new RangeError(`bandSigmas must be > 0, got ${this.bandSigmas}`);
    if (!(Number.isInteger(this.warmUpResiduals) && this.warmUpResiduals >= 1)) {
      throw new RangeError(`warmUpResiduals must be an integer ≥ 1, got ${this.warmUpResiduals}`);
    }
    if (!(Number.isInteger(this.maxSeasonLength) && this.maxSeasonLength >= 2)) {
      throw new RangeError(`maxSeasonLength must be an integer ≥ 2, got ${this.maxSeasonLength}`);
    }
    if (season !== 'daily' && !(season === 0 || (Number.isInteger(season) && season >= 2))) {
      throw new RangeError(`seasonLength must be 'daily', 0 or an integer ≥ 2, got ${season}`);
    }
    // −1: not known yet (decided after STEP_PROBE points).
    this.m = season === 'daily' ? -1 : season;
    const capacity = Math.max(2, HoltWintersDetector.STEP_PROBE, season === 'daily' ? this.maxSeasonLength : season);
    this.buffer = new Float64Array(capacity);
  }

  /** Points per season in use: −1 while still undecided, 0 without a seasonal term. */
  get seasonLength(): number {
    return this.m;
  }

  /** The one-step forecast ŷ of the next point; NaN while initialising. */
  get prediction(): number {
    if (!this.initialised) return NaN;
    return this.level + this.trend + (this.m > 0 ? this.season[this.seasonPos]! : 0);
  }

  /** Residual σ: root mean square of the one-step residuals so far; NaN before the first. */
  get residualSigma(): number {
    return this.residuals === 0 ? NaN : Math.sqrt(this.sumSquares / this.residuals);
  }

  scoreAndLearn(timestampMs: number, value: number): number {
    if (!Number.isFinite(value)) return 0;
    if (!this.initialised) {
      this.collect(timestampMs, value);
      return 0;
    }
    const e = value - this.prediction;
    const score = this.residuals < this.warmUpResiduals ? 0 : this.scoreResidual(e);
    this.learn(value, e);
    return score;
  }

  private scoreResidual(e: number): number {
    const sigma = Math.sqrt(this.sumSquares / this.residuals);
    const r = Math.abs(e) / (this.bandSigmas * sigma);
    if (r === Infinity) return 1;
    // r is NaN for 0/0 (no residual so far, none now) or when the squares overflowed: no evidence either way.
    return r >= 0 ? r / (1 + r) : 0;
  }

  /** One Holt–Winters update with the residual e = y − ŷ already computed. */
  private learn(y: number, e: number): void {
    const m = this.m;
    const s = m > 0 ? this.season[this.seasonPos]! : 0;
    const previous = this.level;
    const base = previous + this.trend;
    this.level = this.alpha * (y - s) + (1 - this.alpha) * base;
    this.trend = this.beta * (this.level - previous) + (1 - this.beta) * this.trend;
    if (m > 0) {
      this.season[this.seasonPos] = this.gamma * (y - base) + (1 - this.gamma) * s;
      this.seasonPos = this.seasonPos + 1 === m ? 0 : this.seasonPos + 1;
    }
    this.residuals++;
    this.sumSquares += e * e;
  }

  /** Buffers the first values until the season length is known and k = max(2, m) values are there. */
  private collect(timestampMs: number, value: number): void {
    if (this.buffered < HoltWintersDetector.STEP_PROBE) this.probeTimes[this.buffered] = timestampMs;
    this.buffer[this.buffered++] = value;
    if (this.m < 0) {
      if (this.buffered < HoltWintersDetector.STEP_PROBE) return;
      this.m = this.dailySeasonLength();
    }
    if (this.buffered < Math.max(2, this.m)) return;
    this.initialise();
  }

  /** One day of points at the median positive gap of the probed timestamps; 0 outside [2, maxSeasonLength]. */
  private dailySeasonLength(): number {
    const gaps: number[] = [];
    for (let i = 1; i < HoltWintersDetector.STEP_PROBE; i++) {
      const gap = this.probeTimes[i]! - this.probeTimes[i - 1]!;
      if (gap > 0 && Number.isFinite(gap)) gaps.push(gap);
    }
    if (gaps.length === 0) return 0;
    gaps.sort((a, b) => a - b);
    const h = gaps.length >> 1;
    const step = gaps.length % 2 === 1 ? gaps[h]! : (gaps[h - 1]! + gaps[h]!) / 2;
    const m = Math.round(DAY_MS / step);
    return m >= 2 && m <= this.maxSeasonLength ? m : 0;
  }

  private initialise(): void {
    const m = this.m;
    const k = Math.max(2, m);
    const b = this.buffer;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += b[i]!;
    this.level = sum / k;
    this.trend = (b[k - 1]! - b[0]!) / (k - 1);
    if (m > 0) {
      this.season = new Float64Array(m);
      for (let i = 0; i < m; i++) this.season[i] = b[i]! - this.level;
    }
    this.seasonPos = 0;
    this.initialised = true;
    // Values buffered beyond the first k (while the season length was undecided) were scored 0: learn them now.
    for (let i = k; i < this.buffered; i++) this.learn(b[i]!, b[i]! - this.prediction);
    this.buffer = new Float64Array(0);
  }
}
