/**
 * Two-sided tabular CUSUM on standardised residuals (Page 1954, *Continuous inspection schemes*; Montgomery,
 * *Introduction to Statistical Quality Control*, §9.1): `S⁺ = max(0, S⁺ + z − k)`, `S⁻ = max(0, S⁻ − z − k)`.
 * `k` is half the shift (in σ) to detect quickly; a shift is signalled when `max(S⁺, S⁻) > h`.
 *
 * State is explicit (see `RobustLevel`). Layout at `offset`: `[sPos, sNeg]`. Complexity: O(1) per update, 16 bytes.
 *
 * @example
 * ```ts
 * const c = new Cusum(0.5);
 * const s = c.allocate();
 * for (let i = 0; i < 10; i++) c.update(s, 2); // a sustained +2σ shift
 * c.positive(s); // 15
 * ```
 */
export class Cusum {
  static readonly SIZE = 2;

  constructor(
    readonly k: number,
    readonly offset = 0,
  ) {}

  allocate(): Float64Array {
    return new Float64Array(this.offset + Cusum.SIZE);
  }

  positive(s: Float64Array): number {
    return s[this.offset]!;
  }
  negative(s: Float64Array): number {
    return s[this.offset + 1]!;
  }

  /** Learns the standardised residual `z`; returns `max(S⁺, S⁻)`. */
  update(b: Float64Array, z: number): number {
    const o = this.offset;
    const p = b[o]! + z - this.k;
    const q = b[o + 1]! - z - this.k;
    const pp = p > 0 ? p : 0;
    const qq = q > 0 ? q : 0;
    b[o] = pp;
    b[o + 1] = qq;
    return pp > qq ? pp : qq;
  }

  reset(s: Float64Array): void {
    s[this.offset] = 0;
    s[this.offset + 1] = 0;
  }
}
