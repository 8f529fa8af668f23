/** Linear fit of the current segment, as returned by {@link SegmentTrend.fit}. */
export interface TrendFit {
  /** Fitted value at the last learned time. */
  level: number;
  /** Slope per millisecond. */
  slope: number;
  /** Standard error of the slope (per millisecond). */
  slopeStdError: number;
  /** Residual standard deviation around the line. */
  residualStd: number;
  /** Effective number of points in the fit. */
  points: number;
}

/**
 * Discounted least-squares line through the *current segment* of a series, for trends and time-until-limit
 * projections that understand fill-then-cleanup ("sawtooth") series such as disks or queues: when the value drops
 * far below the fitted line (a cleanup, rotation or restart), the old segment is forgotten and the fit restarts
 * from that point, so the slope is the slope of the current fill.
 *
 * Method: weighted least squares with exponential forgetting (Brown 1963, discounted least squares; the recursive
 * sums form of Plackett 1950), on time centred at the segment start for numerical stability. Sums kept:
 * Σw, Σw·t, Σw·t², Σw·x, Σw·t·x, Σw·x².
 *
 * State is explicit (see `RobustLevel`). Layout at `offset`: `[t0, lastT, Sw, St, Stt, Sx, Stx, Sxx, min, max]`.
 * Complexity: O(1) per update, 80 bytes.
 *
 * @example
 * ```ts
 * const tr = new SegmentTrend(0.999, 0.5);
 * const s = tr.allocate();
 * for (let i = 0; i < 100; i++) tr.update(s, i * 60_000, 10 + i); // +1 per minute
 * tr.fit(s).slope * 60_000; // ≈ 1
 * tr.update(s, 100 * 60_000, 5); // cleanup: new segment starts
 * tr.fit(s).points; // 1
 * ```
 */
export class SegmentTrend {
  static readonly SIZE = 10;

  constructor(
    /** Per-point forgetting factor λ in (0, 1]. */
    readonly forgetting: number,
    /** A drop larger than this fraction of the segment's range (and 4 residual σ) starts a new segment. */
    readonly resetFraction: number,
    readonly offset = 0,
  ) {}

  allocate(): Float64Array {
    return new Float64Array(this.offset + SegmentTrend.SIZE);
  }

  /** Learns `x` at time `t`; returns true when `x` started a new segment. */
  update(b: Float64Array, t: number, x: number): boolean {
    const o = this.offset;
    let reset = b[o + 2]! === 0;
    const range = b[o + 9]! - b[o + 8]!;
    // Cheap pre-check: only a value in the lower part of the segment's range can be a cleanup.
    if (!reset && b[o + 2]! >= 5 && x < b[o + 9]! - this.resetFraction * range) {
      // The fitted level first; the residual spread (two square roots) only when the drop is large enough to matter.
      this.compute(b, t, false);
      const drop = this.cLevel - x;
      if (range > 0 && drop > this.resetFraction * range) {
        this.compute(b, t, true);
        if (drop > 4 * this.cResid) reset = true;
      }
    }
    if (reset) {
      b[o] = t;
      for (let i = 2; i < 8; i++) b[o + i] = 0;
      b[o + 8] = x;
      b[o + 9] = x;
    }
    const lam = this.forgetting;
    const tc = (t - b[o]!) / 3_600_000; // hours since segment start
    b[o + 1] = t;
    b[o + 2] = lam * b[o + 2]! + 1;
    b[o + 3] = lam * b[o + 3]! + tc;
    b[o + 4] = lam * b[o + 4]! + tc * tc;
    b[o + 5] = lam * b[o + 5]! + x;
    b[o + 6] = lam * b[o + 6]! + tc * x;
    b[o + 7] = lam * b[o + 7]! + x * x;
    if (x < b[o + 8]!) b[o + 8] = x;
    if (x > b[o + 9]!) b[o + 9] = x;
    return reset;
  }

  /** The current line, evaluated at the last learned time. */
  fit(s: Float64Array): TrendFit {
    return this.fitAt(s, s[this.offset + 1]!);
  }

  /** The current line evaluated at time `t`. */
  fitAt(s: Float64Array, t: number): TrendFit {
    this.compute(s, t, true);
    return {
      level: this.cLevel,
      slope: this.cSlope,
      slopeStdError: this.cSlopeSe,
      residualStd: this.cResid,
      points: s[this.offset + 2]!,
    };
  }

  // Results of the last compute(): scratch shared by every series using this instance, read right after compute().
  private cLevel = 0;
  private cSlope = 0;
  private cSlopeSe = Infinity;
  private cResid = 0;

  /** The line at `t` into the scratch fields; its uncertainty (slope error, residual spread) only when `full`. */
  private compute(b: Float64Array, t: number, full: boolean): void {
    const o = this.offset;
    const sw = b[o + 2]!;
    this.cLevel = 0;
    this.cSlope = 0;
    this.cSlopeSe = Infinity;
    this.cResid = 0;
    if (sw <= 0) return;
    const mt = b[o + 3]! / sw;
    const mx = b[o + 5]! / sw;
    const vtt = b[o + 4]! - sw * mt * mt;
    const vtx = b[o + 6]! - sw * mt * mx;
    const vxx = b[o + 7]! - sw * mx * mx;
    const tc = (t - b[o]!) / 3_600_000;
    if (sw < 2 || vtt <= 1e-12 * (b[o + 4]! + 1e-300)) {
      this.cLevel = mx;
      if (full) this.cResid = Math.sqrt(vxx > 0 ? vxx / sw : 0);
      return;
    }
    const slopeH = vtx / vtt;
    this.cLevel = mx + slopeH * (tc - mt);
    this.cSlope = slopeH / 3_600_000;
    if (!full) return;
    const sse = vxx - slopeH * vtx;
    const s2 = (sse > 0 ? sse : 0) / (sw > 2 ? sw - 2 : 1);
    this.cSlopeSe = Math.sqrt(s2 / vtt) / 3_600_000;
    this.cResid = Math.sqrt(s2);
  }
}
