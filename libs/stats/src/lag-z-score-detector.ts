import type { PointScorer } from './point-scorer';
import { RunningMoments } from './running-moments';

/** Options of {@link LagZScoreDetector}; the defaults are the untuned reference configuration. */
export interface LagZScoreDetectorOptions {
  /** Number of lag differences: lags 1, 2, 4, … 2^(lags−1) (default 3: lags 1, 2 and 4, as Merlion's `n_lags` 3). */
  lags?: number;
  /**
   * Points the normal model is trained on, after which its means and variances are frozen (default 750: NAB's
   * probationary period of a 5,000-point file, 15% of it; Merlion trains ZMS once on a prefix of the series).
   */
  trainPoints?: number;
  /** z at which the score is 0.5 (default 3.5, the band width of the other peers); sets only the squashing. */
  bandSigmas?: number;
}

/**
 * Multi-scale z-score detector in the manner of Merlion's `ZMS` (Salesforce Merlion, `merlion/models/anomaly/zms.py`;
 * Bhatnagar et al. 2021, arXiv:2109.09265), the second simple peer the evaluation sets beside Tideline's detector.
 *
 * Features of a point x_t: the value itself and its lag differences x_t − x_{t−k} for k = 1, 2, 4, … 2^(lags−1).
 * Each feature has a mean and population standard deviation learned over the first `trainPoints` points (Welford)
 * and frozen afterwards. The statistic is the largest |z| over the features available at that point, z = (feature
 * − mean) / std (Merlion's score with `lag_inflation` 0; a zero std makes any other value infinitely surprising);
 * the score is z / (z + bandSigmas), so z = 3.5 scores 0.5. Streaming, unlike Merlion's batch training: during the
 * training points each point is scored against the moments of the earlier ones, then learned. A feature needs two
 * training values before it counts. Time is not used. A non-finite value scores 0 and is not learned.
 *
 * Complexity: O(lags) per point; memory 3·(lags + 1) + 2^(lags−1) doubles. A reference for comparisons, not a
 * production detector.
 *
 * @example
 * ```ts
 * const zms = new LagZScoreDetector({ trainPoints: 5 });
 * for (const [i, x] of [1, 2, 4, 7, 11].entries()) zms.scoreAndLearn(i, x);
 * zms.scoreAndLearn(5, 12); // value z = 7/√13.2 ≈ 1.93 is the largest: 1.93 / (1.93 + 3.5) ≈ 0.355
 * ```
 */
export class LagZScoreDetector implements PointScorer {
  private readonly lags: number;
  private readonly trainPoints: number;
  private readonly bandSigmas: number;
  /** Per feature [count, mean, m2]: feature 0 is the value, feature k the lag-2^(k−1) difference. */
  private readonly moments: Float64Array;
  /** The last 2^(lags−1) values, a ring; `history[(seen − k) mod size]` is x_{t−k}. */
  private readonly history: Float64Array;
  private seen = 0;

  constructor(options: LagZScoreDetectorOptions = {}) {
    this.lags = options.lags ?? 3;
    this.trainPoints = options.trainPoints ?? 750;
    this.bandSigmas = options.bandSigmas ?? 3.5;
    if (!(Number.isInteger(this.lags) && this.lags >= 0 && this.lags <= 16)) {
      throw new RangeError(`lags must be an integer in [0, 16], got ${this.lags}`);
    }
    if (!(Number.isInteger(this.trainPoints) && this.trainPoints >= 2)) {
      throw new RangeError(`trainPoints must be an integer ≥ 2, got ${this.trainPoints}`);
    }
    if (!(this.bandSigmas > 0)) throw new RangeError(`bandSigmas must be > 0, got ${this.bandSigmas}`);
    this.moments = new Float64Array(RunningMoments.SIZE * (this.lags + 1));
    this.history = new Float64Array(this.lags === 0 ? 1 : 2 ** (this.lags - 1));
  }

  scoreAndLearn(_timestampMs: number, value: number): number {
    if (!Number.isFinite(value)) return 0;
    let z = 0;
    for (let k = 0; k <= this.lags; k++) {
      const f = this.feature(k, value);
      if (Number.isNaN(f)) continue;
      const o = k * RunningMoments.SIZE;
      const n = this.moments[o]!;
      if (n < 2) continue;
      const d = Math.abs(f - this.moments[o + 1]!);
      const std = Math.sqrt(this.moments[o + 2]! / n);
      const zk = std > 0 ? d / std : d > 0 ? Infinity : 0;
      if (zk > z) z = zk;
    }
    if (this.seen < this.trainPoints) {
      for (let k = 0; k <= this.lags; k++) {
        const f = this.feature(k, value);
        if (!Number.isNaN(f)) RunningMoments.updateAt(this.moments, k * RunningMoments.SIZE, f);
      }
    }
    this.history[this.seen % this.history.length] = value;
    this.seen++;
    // A NaN z (moments overflowed by values near ±1.8e308) never passes `zk > z` above: no evidence either way.
    return z === Infinity ? 1 : z / (z + this.bandSigmas);
  }

  /** Feature k of `value` at the current point: the value (k = 0) or its lag-2^(k−1) difference; NaN if too early. */
  private feature(k: number, value: number): number {
    if (k === 0) return value;
    const lag = 2 ** (k - 1);
    if (this.seen < lag) return NaN;
    return value - this.history[(this.seen - lag) % this.history.length]!;
  }
}
