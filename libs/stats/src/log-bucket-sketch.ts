/**
 * A fixed-size, exponentially decaying quantile sketch with relative-error guarantees: values are counted in
 * logarithmic buckets `(γ^(i−1), γ^i]`, `γ = (1 + α)/(1 − α)`, so any quantile is returned within a relative error
 * `α` of a value of the right rank (Masson, Rim & Lee 2019, *DDSketch: a fast and fully-mergeable quantile sketch
 * with relative-error guarantees*, VLDB 12(12)). Unlike the general DDSketch it has a **fixed** number of buckets per
 * sign, kept in a caller-provided `Float64Array`: when the range would overflow, the lowest buckets are collapsed
 * into the lowest kept one (DDSketch's "collapsing lowest" store), so high quantiles (p95, p99), the ones a baseline
 * needs, keep their accuracy. Counts decay exponentially (half-life in points) so the sketch follows the recent
 * distribution; the decay is applied lazily by growing the weight of new points (O(1) per update, renormalised
 * rarely).
 *
 * State is explicit (see `RobustLevel`). Layout at `offset`: `[posLow, negLow, zeroCount, weight, total, posUsed, negUsed, pos buckets…, neg buckets…]`.
 * Size: `8·(7 + 2·buckets)` bytes (2,104 bytes for 128 buckets per sign). Complexity: update O(1) amortised
 * (one `Math.log`), quantile O(buckets).
 *
 * @example
 * ```ts
 * const sk = new LogBucketSketch(0.02, 64, Infinity);
 * const s = sk.allocate();
 * for (let i = 1; i <= 1000; i++) sk.update(s, i);
 * sk.quantile(s, 0.5); // ≈ 500 (within 2%)
 * sk.quantile(s, 0.99); // ≈ 990 (within 2%)
 * ```
 */
export class LogBucketSketch {
  readonly size: number;
  private readonly logGamma: number;
  private readonly growth: number;

  constructor(
    /** Relative accuracy α. */
    readonly relativeAccuracy: number,
    /** Buckets per sign. */
    readonly buckets: number,
    /** Half-life of counts, in points (Infinity: no decay). */
    readonly halfLife: number,
    readonly offset = 0,
  ) {
    this.size = 7 + 2 * buckets;
    this.logGamma = Math.log((1 + relativeAccuracy) / (1 - relativeAccuracy));
    this.growth = Number.isFinite(halfLife) ? Math.pow(2, 1 / halfLife) : 1;
  }

  allocate(): Float64Array {
    return new Float64Array(this.offset + this.size);
  }

  /** Decayed number of values summarised. */
  count(b: Float64Array): number {
    const w = b[this.offset + 3]!;
    return w > 0 ? b[this.offset + 4]! / w : 0;
  }

  update(b: Float64Array, x: number): void {
    const o = this.offset;
    let w = b[o + 3]!;
    if (w === 0) w = 1;
    if (w > 1e150) {
      this.rescale(b, 1 / w);
      w = 1;
    }
    if (x > 1e-300) this.add(b, 0, x, w);
    else if (x < -1e-300) this.add(b, 1, -x, w);
    else b[o + 2] = b[o + 2]! + w;
    b[o + 4] = b[o + 4]! + w;
    b[o + 3] = w * this.growth;
  }

  private add(b: Float64Array, sign: 0 | 1, ax: number, w: number): void {
    const o = this.offset;
    const k = this.buckets;
    const base = o + 7 + sign * k;
    const idx = Math.ceil(Math.log(ax) / this.logGamma);
    let low = b[o + sign]!;
    if (b[o + 5 + sign] === 0) {
      // First value of this sign: centre the window so it can grow both ways.
      low = idx - (k >> 1);
      b[o + sign] = low;
      b[o + 5 + sign] = 1;
    }
    let pos = idx - low;
    if (pos >= k) {
      // Shift the window up, collapsing the lowest buckets into the new lowest one.
      const shift = pos - k + 1;
      const m = shift < k ? shift : k;
      let carry = 0;
      for (let i = 0; i < m; i++) carry += b[base + i]!;
      for (let i = 0; i < k - shift; i++) b[base + i] = b[base + i + shift]!;
      for (let i = k - shift > 0 ? k - shift : 0; i < k; i++) b[base + i] = 0;
      b[base] = b[base]! + carry;
      low += shift;
      b[o + sign] = low;
      pos = k - 1;
    } else if (pos < 0) {
      pos = 0; // below the window: collapse into the lowest bucket
    }
    b[base + pos] = b[base + pos]! + w;
  }

  private rescale(b: Float64Array, f: number): void {
    const o = this.offset;
    for (let i = o + 2; i < o + this.size; i++) if (i !== o + 3 && i !== o + 5 && i !== o + 6) b[i] = b[i]! * f;
  }

  /** The value at quantile `q` in [0, 1] (NaN when empty). */
  quantile(b: Float64Array, q: number): number {
    const o = this.offset;
    const k = this.buckets;
    const total = b[o + 4]!;
    if (!(total > 0)) return NaN;
    const rank = q * total;
    const g = this.logGamma;
    let acc = 0;
    // Negative values, most negative first.
    const nb = o + 7 + k;
    for (let i = k - 1; i >= 0; i--) {
      acc += b[nb + i]!;
      if (acc > rank) return -this.value(b[o + 1]! + i, g);
    }
    acc += b[o + 2]!;
    if (acc > rank) return 0;
    const pb = o + 7;
    for (let i = 0; i < k; i++) {
      acc += b[pb + i]!;
      if (acc > rank) return this.value(b[o]! + i, g);
    }
    // q = 1 (rank = total): the largest value present, whatever its sign.
    for (let i = k - 1; i >= 0; i--) if (b[pb + i]! > 0) return this.value(b[o]! + i, g);
    if (b[o + 2]! > 0) return 0;
    for (let i = 0; i < k; i++) if (b[nb + i]! > 0) return -this.value(b[o + 1]! + i, g);
    return 0;
  }

  /** Representative value of bucket `i`: 2γ^i/(γ + 1), within α of every value in it. */
  private value(i: number, g: number): number {
    return (2 * Math.exp(i * g)) / (Math.exp(g) + 1);
  }
}
