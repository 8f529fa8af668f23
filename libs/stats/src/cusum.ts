/**
 * Two-sided tabular CUSUM on standardised residuals (Page 1954, *Continuous inspection schemes*; Montgomery,
 * *Introduction to Statistical Quality Control*, §9.1): `S⁺ = max(0, S⁺ + z − k)`, `S⁻ = max(0, S⁻ − z − k)`.
 * `k` is half the shift (in σ) to detect quickly; a shift is signalled when `max(S⁺, S⁻) > h`.
 *
 * Layout in `buf` at `offset`: `[sPos, sNeg]`. Complexity: O(1) per update, 16 bytes.
 *
 * @example
 * ```ts
 * const c = new Cusum(0.5);
 * for (let i = 0; i < 10; i++) c.update(2); // a sustained +2σ shift
 * c.positive; // 15
 * ```
 */
export class Cusum {
  static readonly SIZE = 2;

  constructor(
    readonly k: number,
    readonly buf: Float64Array = new Float64Array(Cusum.SIZE),
    readonly offset = 0,
  ) {}

  get positive(): number {
    return this.buf[this.offset]!;
  }
  get negative(): number {
    return this.buf[this.offset + 1]!;
  }
  /** Signed statistic: S⁺ if it dominates, else −S⁻. */
  get signed(): number {
    const p = this.buf[this.offset]!;
    const q = this.buf[this.offset + 1]!;
    return p >= q ? p : -q;
  }

  /** Learns the standardised residual `z`; returns `max(S⁺, S⁻)`. */
  update(z: number): number {
    const b = this.buf;
    const o = this.offset;
    const p = b[o]! + z - this.k;
    const q = b[o + 1]! - z - this.k;
    const pp = p > 0 ? p : 0;
    const qq = q > 0 ? q : 0;
    b[o] = pp;
    b[o + 1] = qq;
    return pp > qq ? pp : qq;
  }

  reset(): void {
    this.buf[this.offset] = 0;
    this.buf[this.offset + 1] = 0;
  }
}
