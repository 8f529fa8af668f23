/**
 * A periodic profile learned online: the period (e.g. one day or one week, in milliseconds) is cut into `bins`
 * equal bins; each bin holds an exponentially weighted mean of the values that fell into it. The profile value at
 * any time is the linear interpolation between the two nearest bin centres, and each value is learned by those
 * same two bins in proportion to the interpolation weights, so irregular sampling is handled naturally.
 *
 * Method: the seasonal-index update of additive Holt–Winters (Winters 1960) generalised to time-indexed bins,
 * with `1/weight` steps for the first values of each bin (warm-up).
 *
 * State is explicit (see `RobustLevel`). Layout at `offset`: `bins` pairs `[mean, learned weight]` (a bin and its
 * neighbour share a cache line). Complexity: O(1) per update and lookup, `16·bins` bytes.
 *
 * @example
 * ```ts
 * const day = 86_400_000;
 * const p = new SeasonalProfile(day, 24, 0.2);
 * const s = p.allocate();
 * for (let h = 0; h < 24 * 7; h++) p.update(s, h * 3_600_000, h % 24 < 12 ? 10 : 20);
 * p.value(s, 3 * 3_600_000 + 1_800_000); // ≈ 10 (a bin centre in the low half)
 * ```
 */
export class SeasonalProfile {
  readonly size: number;
  private readonly binMs: number;

  constructor(
    readonly periodMs: number,
    readonly bins: number,
    readonly alpha: number,
    readonly offset = 0,
  ) {
    this.size = 2 * bins;
    this.binMs = periodMs / bins;
  }

  allocate(): Float64Array {
    return new Float64Array(this.offset + this.size);
  }

  /** Fractional bin position of `t`, measured between bin centres: in [0, bins). */
  position(t: number): number {
    // floor-based modulo: faster than the floating-point % (fmod) and never negative.
    const phase = t - Math.floor(t / this.periodMs) * this.periodMs;
    let pos = phase / this.binMs - 0.5;
    if (pos < 0) pos += this.bins;
    return pos;
  }

  /** Interpolated profile value at `t` (0 where nothing was learned yet). */
  value(s: Float64Array, t: number): number {
    return this.valueAt(s, this.position(t));
  }

  /** {@link value} at a position from {@link position}. */
  valueAt(b: Float64Array, pos: number): number {
    const i = pos | 0;
    const f = pos - i;
    const j = i + 1 === this.bins ? 0 : i + 1;
    const mi = this.offset + 2 * i;
    const mj = this.offset + 2 * j;
    const wi = b[mi + 1]!;
    const wj = b[mj + 1]!;
    if (wi > 0 && wj > 0) return (1 - f) * b[mi]! + f * b[mj]!;
    if (wi > 0) return b[mi]!;
    if (wj > 0) return b[mj]!;
    return 0;
  }

  /** Learned weight around `t` (0 = this part of the period was never seen). */
  weight(b: Float64Array, t: number): number {
    const pos = this.position(t);
    const i = pos | 0;
    const j = i + 1 === this.bins ? 0 : i + 1;
    return Math.min(b[this.offset + 2 * i + 1]!, b[this.offset + 2 * j + 1]!);
  }

  /** Learns `y` at time `t`. */
  update(s: Float64Array, t: number, y: number): void {
    this.updateAt(s, this.position(t), y);
  }

  /** {@link update} at a position from {@link position}. */
  updateAt(s: Float64Array, pos: number, y: number): void {
    const i = pos | 0;
    const f = pos - i;
    const j = i + 1 === this.bins ? 0 : i + 1;
    this.learnBin(s, this.offset + 2 * i, 1 - f, y);
    this.learnBin(s, this.offset + 2 * j, f, y);
  }

  private learnBin(b: Float64Array, m: number, w: number, y: number): void {
    if (w <= 0) return;
    const cw = b[m + 1]! + w;
    b[m + 1] = cw;
    const a0 = w / cw;
    const aw = this.alpha * w;
    b[m] = b[m]! + (a0 > aw ? a0 : aw) * (y - b[m]!);
  }
}
