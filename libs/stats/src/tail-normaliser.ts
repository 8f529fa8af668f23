/**
 * Per-series normaliser of a non-negative anomaly statistic `u` (e.g. |z|): divides it by what is *usual for this
 * series*, so a noisy or spiky series must deviate more than a quiet one to look equally anomalous.
 *
 * Two references, whichever is larger:
 * - a high quantile `q` of `u` (level `1 − tail`), tracked by multiplicative stochastic approximation
 *   (`ln q += eta·(1{u > q} − tail)`; Robbins–Monro quantile estimation as used for streaming quantiles by
 *   Ma, Muthukrishnan & Sandler 2013, *Frugal streaming for estimating quantiles*, here in log space so that the step
 *   is relative and the estimate scale-free);
 * - `kappa ×` a decaying maximum `M` of `u` (half-life `halfLife` updates): a deviation is only news if it is larger
 *   than the recent ones, so recurring spikes (cron jobs, backups) stop alerting after a few occurrences.
 *
 * State is explicit (see `RobustLevel`). Layout at `offset`: `[q, M]`. Complexity: O(1) per update, no
 * transcendental functions (the multipliers are precomputed), 16 bytes.
 *
 * @example
 * ```ts
 * const t = new TailNormaliser(4, 0.05, 0.005, 0.5, 1000);
 * const s = t.allocate();
 * t.update(s, 2); // 2 / 4 = 0.5: ordinary
 * t.update(s, 40); // ≈ 10: far beyond what this series does
 * t.update(s, 40); // ≈ 2: the same again is much less surprising
 * ```
 */
export class TailNormaliser {
  static readonly SIZE = 2;
  /** Per-update decay of the recent maximum, and the quantile's step multipliers up and down (precomputed). */
  readonly decay: number;
  readonly up: number;
  readonly down: number;

  constructor(
    readonly initial: number,
    readonly eta: number,
    readonly tail: number,
    readonly kappa: number,
    readonly halfLife: number,
    readonly offset = 0,
  ) {
    this.decay = Math.pow(0.5, 1 / halfLife);
    this.up = Math.exp(eta * (1 - tail));
    this.down = Math.exp(-eta * tail);
  }

  allocate(): Float64Array {
    const s = new Float64Array(this.offset + TailNormaliser.SIZE);
    this.reset(s);
    return s;
  }

  quantile(s: Float64Array): number {
    return s[this.offset]!;
  }
  recentMax(s: Float64Array): number {
    return s[this.offset + 1]!;
  }

  /** Returns `u / max(q, kappa·M)` computed before learning `u`, then learns it. */
  update(b: Float64Array, u: number): number {
    const o = this.offset;
    const q = b[o]!;
    const m = b[o + 1]!;
    const km = this.kappa * m;
    const ref = q > km ? q : km;
    b[o] = u > q ? q * this.up : q * this.down;
    const md = m * this.decay;
    b[o + 1] = u > md ? u : md;
    return ref > 0 ? u / ref : 0;
  }

  /** `u / max(q, kappa·M)` without learning (pair with {@link learn}). */
  score(b: Float64Array, u: number): number {
    const q = b[this.offset]!;
    const km = this.kappa * b[this.offset + 1]!;
    const ref = q > km ? q : km;
    return ref > 0 ? u / ref : 0;
  }

  /**
   * Learns `u`, but lets it raise the recent maximum to at most `cap` (e.g. a small multiple of the current
   * reference when `u` raised an alert: an anomaly should not desensitise the series for long).
   */
  learn(b: Float64Array, u: number, cap: number): void {
    const o = this.offset;
    const q = b[o]!;
    b[o] = u > q ? q * this.up : q * this.down;
    const md = b[o + 1]! * this.decay;
    const v = u < cap ? u : cap;
    b[o + 1] = v > md ? v : md;
  }

  /** Restarts from the initial reference (used at the end of warm-up). */
  reset(s: Float64Array): void {
    s[this.offset] = this.initial;
    s[this.offset + 1] = 0;
  }
}
