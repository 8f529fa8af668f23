/** Plain-object snapshot of {@link EwMoments}. */
export interface EwMomentsSnapshot {
  version: 1;
  alpha: number;
  count: number;
  mean: number;
  variance: number;
}

/**
 * Exponentially weighted mean and variance, updated one value at a time.
 *
 * Method: the incremental form of Finch (2009), *Incremental calculation of weighted mean and variance*, §9:
 * `δ = x − μ; μ += a·δ; σ² = (1 − a)(σ² + a·δ²)`, with `a = max(alpha, 1/n)` so the first values give the plain
 * (expanding) mean and variance — a built-in warm-up with no start-up bias.
 *
 * The three numbers live in a caller-provided `Float64Array` at `offset`, so a detector can keep all of a series'
 * state in one flat array (snapshot = copy of the array). Complexity: O(1) per update, 24 bytes.
 *
 * @example
 * ```ts
 * const m = new EwMoments(0.1);
 * for (const x of [1, 2, 3, 4]) m.update(x);
 * m.mean; // 2.5 (expanding phase: plain mean)
 * m.variance; // 1.25 (population variance)
 * ```
 */
export class EwMoments {
  static readonly SIZE = 3;

  constructor(
    readonly alpha: number,
    readonly buf: Float64Array = new Float64Array(EwMoments.SIZE),
    readonly offset = 0,
  ) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }

  get count(): number {
    return this.buf[this.offset]!;
  }
  get mean(): number {
    return this.buf[this.offset + 1]!;
  }
  get variance(): number {
    return this.buf[this.offset + 2]!;
  }
  get std(): number {
    return Math.sqrt(this.buf[this.offset + 2]!);
  }

  /** Learns `x`. */
  update(x: number): void {
    const b = this.buf;
    const o = this.offset;
    const n = b[o]! + 1;
    b[o] = n;
    const inv = 1 / n;
    const a = inv > this.alpha ? inv : this.alpha;
    const d = x - b[o + 1]!;
    const inc = a * d;
    b[o + 1] = b[o + 1]! + inc;
    b[o + 2] = (1 - a) * (b[o + 2]! + d * inc);
  }

  snapshot(): EwMomentsSnapshot {
    return { version: 1, alpha: this.alpha, count: this.count, mean: this.mean, variance: this.variance };
  }

  static restore(s: EwMomentsSnapshot): EwMoments {
    if (s.version !== 1) throw new RangeError(`unsupported EwMoments snapshot version ${String(s.version)}`);
    const m = new EwMoments(s.alpha);
    m.buf[0] = s.count;
    m.buf[1] = s.mean;
    m.buf[2] = s.variance;
    return m;
  }
}
