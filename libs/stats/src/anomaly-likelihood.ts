/**
 * Anomaly likelihood (Ahmad, Lavin, Purdy & Agha 2017, *Unsupervised real-time anomaly detection for streaming
 * data*, Neurocomputing 262, §4): how unusual the recent average of a raw anomaly score is compared with that
 * score's own long-run distribution, so a noisy series (whose raw scores are often high) pages no more than a quiet
 * one. Streaming variant: the short-term average is exponentially weighted (`shortAlpha`), and the long-run mean
 * and variance *of that average* are exponentially weighted (`longAlpha`, ≈ 1/window) instead of a sliding window
 * of 8,640 averages; the lower bound
 * on the variance follows Numenta's implementation (it stops near-constant raw scores from making tiny
 * changes look significant).
 *
 * {@link AnomalyLikelihood.update} returns the z-value of the short-term average; the likelihood is
 * `1 − Q(z)` (see `normalTail`).
 *
 * State is explicit (see `RobustLevel`). Layout at `offset`: `[count, short, mean, variance]`. Complexity: O(1) per update, 32 bytes.
 *
 * @example
 * ```ts
 * const l = new AnomalyLikelihood(0.3, 0.001, 0.0003);
 * const s = l.allocate();
 * for (let i = 0; i < 1000; i++) l.update(s, i % 10 === 0 ? 0.2 : 0.05);
 * l.update(s, 1) > 3; // true: an unusual burst of raw score
 * ```
 */
export class AnomalyLikelihood {
  static readonly SIZE = 4;

  constructor(
    readonly shortAlpha: number,
    readonly longAlpha: number,
    readonly minVariance: number,
    readonly offset = 0,
  ) {}

  allocate(): Float64Array {
    return new Float64Array(this.offset + AnomalyLikelihood.SIZE);
  }

  count(s: Float64Array): number {
    return s[this.offset]!;
  }

  /** Scores the raw score `raw` (before learning it): the z-value of the short-term average; then learns it. */
  update(b: Float64Array, raw: number): number {
    const o = this.offset;
    const n = b[o]! + 1;
    b[o] = n;
    const shortPrev = b[o + 1]!;
    const sa = this.shortAlpha > 1 / n ? this.shortAlpha : 1 / n;
    const short = shortPrev + sa * (raw - shortPrev);
    b[o + 1] = short;
    const mean = b[o + 2]!;
    const v = b[o + 3]!;
    const sd = Math.sqrt(v > this.minVariance ? v : this.minVariance);
    const z = n > 1 ? (short - mean) / sd : 0;
    const la = this.longAlpha > 1 / n ? this.longAlpha : 1 / n;
    const d = short - mean;
    const inc = la * d;
    b[o + 2] = mean + inc;
    b[o + 3] = (1 - la) * (v + d * inc);
    return z;
  }
}
