/**
 * Robust exponentially smoothed level and scale: a Huber-type filter in the spirit of Gelper, Fried & Croux (2010),
 * *Robust forecasting with exponential and Holt–Winters smoothing*, J. Forecasting 29(3).
 *
 * The residual `r = x − level` is clipped to `±clip·σ̂` before it is learned, so one spike moves the level by at most
 * `alpha·clip·σ̂`; `σ̂ = 1.2533·MAE` (mean absolute residual, the normal-consistent MAD-like spread), itself learned
 * from the clipped residual. A genuine level shift is still followed (at `alpha·clip·σ̂` per point) and can be
 * adopted at once with {@link RobustLevel.reset}.
 *
 * State is explicit: the instance holds only parameters and an offset; the numbers live in a caller's
 * `Float64Array` (`allocate()` makes one), so one configured instance serves every series and a series' whole state
 * is one flat array. Layout at `offset`: `[count, level, mae]`. Complexity: O(1) per update, 24 bytes.
 *
 * @example
 * ```ts
 * const r = new RobustLevel(0.1, 0.05, 3);
 * const s = r.allocate();
 * for (let i = 0; i < 50; i++) r.update(s, 10 + (i % 2));
 * r.update(s, 1000); // a spike barely moves the level
 * r.level(s) < 12; // true
 * ```
 */
export class RobustLevel {
  static readonly SIZE = 3;
  /** Points learned unclipped with 1/n weights while the spread is not known yet (2 / scaleAlpha). */
  readonly warmPoints: number;
  /** Clip of a residual in units of MAE (clip · √(π/2)). */
  readonly clipSigma: number;

  constructor(
    readonly alpha: number,
    readonly scaleAlpha: number,
    readonly clip: number,
    readonly offset = 0,
  ) {
    this.warmPoints = 2 / scaleAlpha;
    this.clipSigma = clip * 1.2533141373155003;
  }

  allocate(): Float64Array {
    return new Float64Array(this.offset + RobustLevel.SIZE);
  }

  count(s: Float64Array): number {
    return s[this.offset]!;
  }
  level(s: Float64Array): number {
    return s[this.offset + 1]!;
  }
  /** Mean absolute one-step residual. */
  mae(s: Float64Array): number {
    return s[this.offset + 2]!;
  }
  /** Normal-consistent spread: 1.2533 × MAE (√(π/2)). */
  sigma(s: Float64Array): number {
    return 1.2533141373155003 * s[this.offset + 2]!;
  }

  /** Learns `x`; returns the (unclipped) residual `x − level` seen before learning. */
  update(b: Float64Array, x: number): number {
    const o = this.offset;
    const n = b[o]! + 1;
    b[o] = n;
    if (n === 1) {
      b[o + 1] = x;
      return 0;
    }
    const level = b[o + 1]!;
    const mae = b[o + 2]!;
    const r = x - level;
    const ar = r < 0 ? -r : r;
    const lim = this.clipSigma * mae;
    const warm = n <= this.warmPoints;
    // During warm-up the spread is not known yet: learn unclipped, with 1/n weights.
    const a = warm ? Math.max(this.alpha, 1 / n) : this.alpha;
    const sa = warm ? Math.max(this.scaleAlpha, 1 / (n - 1)) : this.scaleAlpha;
    const inside = warm || ar <= lim;
    b[o + 1] = level + a * (inside ? r : r > 0 ? lim : -lim);
    // A spread of exactly 0 after the warm-up (the series has not moved since) would clip every later residual to 0
    // and freeze the level and spread for good: the first move is the only evidence of the spread, so it sets it.
    b[o + 2] = mae === 0 && !warm ? ar : mae + sa * ((inside ? ar : lim) - mae);
    return r;
  }

  /** Adopts `level` (e.g. after a confirmed level shift), keeping the spread. */
  reset(s: Float64Array, level: number): void {
    s[this.offset + 1] = level;
  }
}
