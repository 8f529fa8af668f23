/**
 * The recent points of one series, kept for a fixed span of time: lookups by time (the last value at or before a
 * time, the value nearest to a time) for forecasters that reuse past values (seasonal naive, seasonal medians).
 * Timestamps are assumed non-decreasing (a point older than the last one is still kept; lookups then see the
 * stored order, as NAB's few small jumps back need no more).
 *
 * Complexity: O(1) amortised per point (amortised compaction of two typed arrays), O(log n) per lookup, 16 bytes per
 * kept point.
 *
 * @example
 * ```ts
 * const h = new TimedHistory(86_400_000);
 * h.add(0, 1);
 * h.add(60_000, 2);
 * h.atOrBefore(59_999); // 1
 * h.nearest(50_000, 15_000); // 2
 * ```
 */
export class TimedHistory {
  private ts = new Float64Array(256);
  private vs = new Float64Array(256);
  private start = 0;
  private end = 0;

  constructor(readonly keepMs: number) {}

  get size(): number {
    return this.end - this.start;
  }

  /** Time and value of the last point (NaN when empty). */
  get lastTime(): number {
    return this.end > this.start ? this.ts[this.end - 1]! : NaN;
  }

  get lastValue(): number {
    return this.end > this.start ? this.vs[this.end - 1]! : NaN;
  }

  /** Keeps a finite value; forgets points older than `keepMs` before it. */
  add(t: number, v: number): void {
    if (!Number.isFinite(v) || !Number.isFinite(t)) return;
    if (this.end === this.ts.length) this.compact();
    this.ts[this.end] = t;
    this.vs[this.end] = v;
    this.end++;
    const oldest = t - this.keepMs;
    while (this.ts[this.start]! < oldest) this.start++;
  }

  /** Value of the last point at or before `t`, or undefined. */
  atOrBefore(t: number): number | undefined {
    const i = this.indexAtOrBefore(t);
    return i < 0 ? undefined : this.vs[i]!;
  }

  /** Value of the point nearest to `t` if it is within `toleranceMs`, else undefined. */
  nearest(t: number, toleranceMs: number): number | undefined {
    const i = this.indexAtOrBefore(t);
    let best = -1;
    let distance = Infinity;
    if (i >= 0) {
      best = i;
      distance = t - this.ts[i]!;
    }
    if (i + 1 < this.end && this.ts[i + 1]! - t < distance) {
      best = i + 1;
      distance = this.ts[i + 1]! - t;
    }
    return best >= 0 && distance <= toleranceMs ? this.vs[best]! : undefined;
  }

  /** Median spacing of the last (up to) `count` points, zero gaps ignored; NaN with fewer than two points. */
  medianSpacing(count = 256): number {
    const from = Math.max(this.start + 1, this.end - count);
    const gaps: number[] = [];
    for (let i = from; i < this.end; i++) {
      const d = this.ts[i]! - this.ts[i - 1]!;
      if (d > 0) gaps.push(d);
    }
    if (gaps.length === 0) return NaN;
    gaps.sort((a, b) => a - b);
    return gaps[gaps.length >> 1]!;
  }

  /** Index of the last kept point at or before `t` (−1 if none), by binary search. */
  private indexAtOrBefore(t: number): number {
    if (this.end === this.start || this.ts[this.start]! > t) return -1;
    let lo = this.start;
    let hi = this.end - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.ts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private compact(): void {
    const kept = this.end - this.start;
    const size = kept * 2 > this.ts.length ? this.ts.length * 2 : this.ts.length;
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    ts.set(this.ts.subarray(this.start, this.end));
    vs.set(this.vs.subarray(this.start, this.end));
    this.ts = ts;
    this.vs = vs;
    this.start = 0;
    this.end = kept;
  }
}
