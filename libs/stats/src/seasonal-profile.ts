/**
 * A periodic profile learned online: the period (e.g. one day or one week, in milliseconds) is cut into `bins`
 * equal bins; each bin holds an exponentially weighted mean of the values that fell into it. The profile value at
 * any time is the linear interpolation between the two nearest bin centres, and each value is learned by those
 * same two bins in proportion to the interpolation weights, so irregular sampling is handled naturally.
 *
 * Method: the seasonal-index update of additive Holt–Winters (Winters 1960) generalised to time-indexed bins
 * (as in Prophet-style seasonal profiles), with `1/count` weights for the first values of each bin (warm-up).
 *
 * Layout in `buf` at `offset`: `bins` means followed by `bins` learned weights. Complexity: O(1) per update and
 * lookup, `16·bins` bytes.
 *
 * @example
 * ```ts
 * const day = 86_400_000;
 * const p = new SeasonalProfile(day, 24, 0.2);
 * for (let h = 0; h < 24 * 7; h++) p.update(h * 3_600_000, h % 24 < 12 ? 10 : 20);
 * p.value(3 * 3_600_000 + 1_800_000); // ≈ 10 (a bin centre in the low half)
 * ```
 */
export class SeasonalProfile {
  readonly size: number;
  private readonly binMs: number;

  constructor(
    readonly periodMs: number,
    readonly bins: number,
    readonly alpha: number,
    readonly buf: Float64Array = new Float64Array(2 * bins),
    readonly offset = 0,
  ) {
    this.size = 2 * bins;
    this.binMs = periodMs / bins;
  }

  /** Fractional bin position of `t`, measured between bin centres: in [0, bins). */
  private position(t: number): number {
    let phase = t % this.periodMs;
    if (phase < 0) phase += this.periodMs;
    let pos = phase / this.binMs - 0.5;
    if (pos < 0) pos += this.bins;
    return pos;
  }

  /** Interpolated profile value at `t` (0 where nothing was learned yet). */
  value(t: number): number {
    const pos = this.position(t);
    const i = pos | 0;
    const f = pos - i;
    const j = i + 1 === this.bins ? 0 : i + 1;
    const b = this.buf;
    const o = this.offset;
    const wi = b[o + this.bins + i]!;
    const wj = b[o + this.bins + j]!;
    if (wi > 0 && wj > 0) return (1 - f) * b[o + i]! + f * b[o + j]!;
    if (wi > 0) return b[o + i]!;
    if (wj > 0) return b[o + j]!;
    return 0;
  }

  /** Learned weight around `t` (0 = this part of the period was never seen). */
  weight(t: number): number {
    const pos = this.position(t);
    const i = pos | 0;
    const j = i + 1 === this.bins ? 0 : i + 1;
    const b = this.buf;
    const o = this.offset + this.bins;
    return Math.min(b[o + i]!, b[o + j]!);
  }

  /** Learns `y` at time `t`. */
  update(t: number, y: number): void {
    const pos = this.position(t);
    const i = pos | 0;
    const f = pos - i;
    const j = i + 1 === this.bins ? 0 : i + 1;
    this.learnBin(i, 1 - f, y);
    this.learnBin(j, f, y);
  }

  private learnBin(i: number, w: number, y: number): void {
    if (w <= 0) return;
    const b = this.buf;
    const m = this.offset + i;
    const c = this.offset + this.bins + i;
    const cw = b[c]! + w;
    b[c] = cw;
    const a0 = w / cw;
    const a = a0 > this.alpha * w ? a0 : this.alpha * w;
    b[m] = b[m]! + a * (y - b[m]!);
  }
}
