/** Plain-object snapshot of {@link RunningMoments}. */
export interface RunningMomentsSnapshot {
  version: 1;
  count: number;
  mean: number;
  m2: number;
}

/**
 * Exact streaming count, mean and variance (Welford 1962), mergeable without replaying data by the pairwise
 * formula of Chan, Golub & LeVeque (1979), *Updating formulae and a pairwise algorithm for computing sample
 * variances*: `δ = μ_b − μ_a; M2 = M2_a + M2_b + δ²·n_a·n_b/n`. Merging two accumulators equals updating one with
 * both streams (up to floating-point rounding), in any order.
 *
 * Layout in `buf` at `offset`: `[count, mean, m2]`. Complexity: O(1) per update and per merge, 24 bytes.
 *
 * @example
 * ```ts
 * const a = new RunningMoments();
 * [2, 4, 4, 4].forEach((x) => a.update(x));
 * const b = new RunningMoments();
 * [5, 5, 7, 9].forEach((x) => b.update(x));
 * a.merge(b);
 * a.mean; // 5
 * a.variance; // 4 (population); a.sampleVariance ≈ 4.571428571428571
 * ```
 */
export class RunningMoments {
  static readonly SIZE = 3;

  /** `buf`/`offset`: where the three numbers live (a detector passes a slice of its own state). */
  constructor(
    readonly buf: Float64Array = new Float64Array(RunningMoments.SIZE),
    readonly offset = 0,
  ) {}

  /** Learns `x` into the numbers at `offset` of any state array (the allocation-free form used by detectors). */
  static updateAt(b: Float64Array, offset: number, x: number): void {
    const n = b[offset]! + 1;
    const d = x - b[offset + 1]!;
    const mean = b[offset + 1]! + d / n;
    b[offset] = n;
    b[offset + 1] = mean;
    b[offset + 2] = b[offset + 2]! + d * (x - mean);
  }

  get count(): number {
    return this.buf[this.offset]!;
  }
  get mean(): number {
    return this.buf[this.offset + 1]!;
  }
  /** Population variance (divide by n); 0 when empty. */
  get variance(): number {
    const n = this.buf[this.offset]!;
    return n > 0 ? this.buf[this.offset + 2]! / n : 0;
  }
  /** Sample variance (divide by n − 1); NaN below two values. */
  get sampleVariance(): number {
    const n = this.buf[this.offset]!;
    return n > 1 ? this.buf[this.offset + 2]! / (n - 1) : NaN;
  }

  update(x: number): void {
    RunningMoments.updateAt(this.buf, this.offset, x);
  }

  /** Adds the other accumulator's values to this one. */
  merge(other: RunningMoments): this {
    const b = this.buf;
    const o = this.offset;
    const na = b[o]!;
    const nb = other.count;
    if (nb === 0) return this;
    if (na === 0) {
      b[o] = nb;
      b[o + 1] = other.mean;
      b[o + 2] = other.buf[other.offset + 2]!;
      return this;
    }
    const n = na + nb;
    const d = other.mean - b[o + 1]!;
    b[o + 1] = b[o + 1]! + (d * nb) / n;
    b[o + 2] = b[o + 2]! + other.buf[other.offset + 2]! + (d * d * na * nb) / n;
    b[o] = n;
    return this;
  }

  snapshot(): RunningMomentsSnapshot {
    return { version: 1, count: this.count, mean: this.mean, m2: this.buf[this.offset + 2]! };
  }

  static restore(s: RunningMomentsSnapshot): RunningMoments {
    if (s.version !== 1) throw new RangeError(`unsupported RunningMoments snapshot version ${String(s.version)}`);
    const m = new RunningMoments();
    m.buf[0] = s.count;
    m.buf[1] = s.mean;
    m.buf[2] = s.m2;
    return m;
  }
}
