/** Plain-object snapshot of one {@link EwMoments} state. */
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
 * State is explicit (see `RobustLevel`): layout at `offset` `[count, mean, variance]`. Complexity: O(1) per update,
 * 24 bytes.
 *
 * @example
 * ```ts
 * const m = new EwMoments(0.1);
 * const s = m.allocate();
 * for (const x of [1, 2, 3, 4]) m.update(s, x);
 * m.mean(s); // 2.5 (expanding phase: plain mean)
 * m.variance(s); // 1.25 (population variance)
 * ```
 */
export class EwMoments {
  static readonly SIZE = 3;

  constructor(
    readonly alpha: number,
    readonly offset = 0,
  ) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }

  allocate(): Float64Array {
    return new Float64Array(this.offset + EwMoments.SIZE);
  }

  count(s: Float64Array): number {
    return s[this.offset]!;
  }
  mean(s: Float64Array): number {
    return s[this.offset + 1]!;
  }
  variance(s: Float64Array): number {
    return s[this.offset + 2]!;
  }
  std(s: Float64Array): number {
    return Math.sqrt(s[this.offset + 2]!);
  }

  /** Learns `x`. */
  update(b: Float64Array, x: number): void {
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

  snapshot(s: Float64Array): EwMomentsSnapshot {
    return { version: 1, alpha: this.alpha, count: this.count(s), mean: this.mean(s), variance: this.variance(s) };
  }

  /** Writes a snapshot back into a state array (the configuration's `alpha` must match). */
  restore(s: Float64Array, snap: EwMomentsSnapshot): void {
    if (snap.version !== 1) throw new RangeError(`unsupported EwMoments snapshot version ${String(snap.version)}`);
    if (snap.alpha !== this.alpha) throw new RangeError('EwMoments snapshot has another alpha');
    s[this.offset] = snap.count;
    s[this.offset + 1] = snap.mean;
    s[this.offset + 2] = snap.variance;
  }
}
