import {
  timeUntilLimitRange,
  type TimeUntilLimitRange,
  type TimeUntilLimitRangeOptions,
} from './time-until-limit-range';
import { addToBucketMean, TREND_BUCKET_MAX_COUNT } from './trend-bucket';

/** Options of {@link TrendSummary}. */
export interface TrendSummaryOptions {
  /** Width of a bucket (default 30 minutes). */
  readonly bucketMs?: number;
  /** Buckets kept (default 1,344: four weeks of half hours). */
  readonly buckets?: number;
}

/** A projection to a limit from the summary, its times counted from the caller's `nowMs`. */
export interface LimitProjection {
  /** Mean of the newest complete bucket (NaN when there is none). */
  readonly current: number;
  /** Start of the newest complete bucket (NaN when there is none). */
  readonly currentBucketMs: number;
  /** When the limit is reached, in ms from `nowMs` (clamped at 0); null when the series is not heading there. */
  readonly range: TimeUntilLimitRange | null;
}

const HALF_HOUR = 1_800_000;
const VERSION = 1;
/** Header of `toBytes()`: version, bucketMs, buckets, newest bucket index (float64 each). */
const HEADER_BYTES = 32;

/**
 * The bounded per-series state that time-until-limit projections stand on: the mean of every half hour of the last
 * four weeks, in a ring (float32 mean and uint8 count per bucket: **6,728 bytes** of state for the default 1,344
 * buckets, with the newest bucket's index; `toBytes()` is 6,752 bytes). It learns one point at a time in O(1)
 * ({@link update}), or takes a bucket's mean computed elsewhere ({@link addBucket}, e.g. InfluxDB's
 * `mean("value") … GROUP BY time(30m)`, the same number), and merges like any accumulator. {@link timeUntilLimit}
 * runs {@link timeUntilLimitRange} on the complete buckets, each at its centre, so the estimator reads the same input
 * however the summary was filled: `tideline bench time-to-limit` measures exactly what the weekly report shows.
 *
 * Why half-hourly means over four weeks: a projection days or weeks ahead needs weeks of history (a weekly cycle is
 * learned from two weeks and more) but not minute detail. Means keep the daily and weekly cycles, damp the noise and
 * bound the state and the fit's cost (1,344 points instead of 8,064 five-minute or 241,920 ten-second points). On the
 * benchmark's 200 series (seed 1 / unseen seed 1001), [p10, p90] held 84.5 / 84.5 % of true crossings from half-hour
 * means, 82 / 78 % from hourly means (4 KB: too few points after a recent cleanup), 85.5 / 88.5 % from every
 * five-minute point. The newest bucket is left out until it is complete, so that a part-filled bucket does not count
 * as a full one.
 *
 * Complexity: O(1) per point (O(gap) buckets cleared when time jumps ahead, at most `buckets`); a projection is
 * O(buckets) plus the estimator's fits.
 *
 * @example
 * ```ts
 * const s = new TrendSummary();
 * for (let i = 0; i < 7 * 288; i++) s.update(i * 300_000, 20 + (i * 300_000) / 7_200_000); // +0.5 per hour
 * const p = s.timeUntilLimit(114, 7 * 288 * 300_000); // the week ends at ≈ 104: ≈ 20 hours to go
 * p.range !== null && p.range.p50Ms / 3_600_000; // ≈ 20
 * ```
 */
export class TrendSummary {
  readonly bucketMs: number;
  readonly buckets: number;
  private readonly means: Float32Array;
  private readonly counts: Uint8Array;
  /** Index (time / bucketMs) of the newest bucket seen; −Infinity when empty. */
  private newest = -Infinity;

  constructor(options: TrendSummaryOptions = {}) {
    this.bucketMs = options.bucketMs ?? HALF_HOUR;
    this.buckets = options.buckets ?? 1344;
    if (!(this.bucketMs > 0) || !Number.isInteger(this.buckets) || this.buckets < 1) {
      throw new RangeError(`TrendSummary: bucketMs > 0 and buckets ≥ 1 (got ${this.bucketMs}, ${this.buckets})`);
    }
    this.means = new Float32Array(this.buckets);
    this.counts = new Uint8Array(this.buckets);
  }

  /** Bytes of learned state: means (4 per bucket), counts (1 per bucket) and the newest index (8). */
  get stateBytes(): number {
    return this.means.byteLength + this.counts.byteLength + 8;
  }

  /** Learns one point; non-finite values and points older than the window are ignored. */
  update(timestampMs: number, value: number): void {
    this.addBucket(timestampMs, value, 1);
  }

  /**
   * Adds `count` points of mean `mean` to the bucket holding `timeMs` (any time inside it, e.g. its start as
   * InfluxDB reports it).
   */
  addBucket(timeMs: number, mean: number, count = 1): void {
    if (!Number.isFinite(mean) || !Number.isFinite(timeMs) || !(count > 0)) return;
    const b = Math.floor(timeMs / this.bucketMs);
    if (b > this.newest) this.advance(b);
    else if (b <= this.newest - this.buckets) return;
    const slot = this.slot(b);
    const n = this.counts[slot]!;
    // a saturated count (255 points in a bucket, e.g. one a second) keeps weighting new points by 1/256, a running
    // mean of the bucket's latest points
    this.means[slot] = addToBucketMean(this.means[slot]!, n, mean, count);
    this.counts[slot] = Math.min(TREND_BUCKET_MAX_COUNT, n + count);
  }

  /** Adds every bucket of `other` (same bucket width and count) as if its points had been learned here. */
  merge(other: TrendSummary): void {
    if (other.bucketMs !== this.bucketMs || other.buckets !== this.buckets) {
      throw new RangeError('TrendSummary.merge: summaries of different bucket widths or lengths');
    }
    if (!Number.isFinite(other.newest)) return;
    for (let b = other.newest - other.buckets + 1; b <= other.newest; b++) {
      const slot = other.slot(b);
      const n = other.counts[slot]!;
      if (n > 0) this.addBucket(b * this.bucketMs, other.means[slot]!, n);
    }
  }

  /** The complete buckets (ending at or before `nowMs`) with data, oldest first: centre times and means. */
  complete(nowMs: number): { times: Float64Array; values: Float64Array; starts: Float64Array } {
    const times: number[] = [];
    const values: number[] = [];
    const starts: number[] = [];
    if (Number.isFinite(this.newest)) {
      for (let b = this.newest - this.buckets + 1; b <= this.newest; b++) {
        const start = b * this.bucketMs;
        if (start + this.bucketMs > nowMs) break;
        const slot = this.slot(b);
        if (this.counts[slot]! === 0) continue;
        starts.push(start);
        times.push(start + this.bucketMs / 2);
        values.push(this.means[slot]!);
      }
    }
    return { times: Float64Array.from(times), values: Float64Array.from(values), starts: Float64Array.from(starts) };
  }

  /**
   * When the series reaches `limit`, as {@link timeUntilLimitRange} projects it from the complete buckets, re-based
   * from the newest bucket's centre to `nowMs` (the caller's present: the last point, or the report's end).
   */
  timeUntilLimit(limit: number, nowMs: number, options: TimeUntilLimitRangeOptions = {}): LimitProjection {
    const { times, values, starts } = this.complete(nowMs);
    const n = values.length;
    const current = n > 0 ? values[n - 1]! : NaN;
    const currentBucketMs = n > 0 ? starts[n - 1]! : NaN;
    const r = n > 0 ? timeUntilLimitRange(times, values, limit, options) : null;
    if (r === null) return { current, currentBucketMs, range: null };
    const elapsed = nowMs - times[n - 1]!;
    const rebase = (ms: number) => Math.max(0, ms - elapsed);
    return {
      current,
      currentBucketMs,
      range: { ...r, p10Ms: rebase(r.p10Ms), p50Ms: rebase(r.p50Ms), p90Ms: rebase(r.p90Ms) },
    };
  }

  /** Compact bytes: a 32-byte header (version, bucketMs, buckets, newest index), the means, the counts. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + this.means.byteLength + this.counts.byteLength);
    const view = new DataView(out.buffer);
    view.setFloat64(0, VERSION, true);
    view.setFloat64(8, this.bucketMs, true);
    view.setFloat64(16, this.buckets, true);
    view.setFloat64(24, this.newest, true);
    for (let i = 0; i < this.buckets; i++) view.setFloat32(HEADER_BYTES + 4 * i, this.means[i]!, true);
    const countsAt = HEADER_BYTES + this.means.byteLength;
    out.set(this.counts, countsAt);
    return out;
  }

  /** Restores what {@link toBytes} wrote, exactly. */
  static fromBytes(bytes: Uint8Array): TrendSummary {
    if (bytes.byteLength < HEADER_BYTES) throw new RangeError('TrendSummary.fromBytes: too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getFloat64(0, true);
    if (version !== VERSION) throw new RangeError(`TrendSummary.fromBytes: unknown version ${version}`);
    const s = new TrendSummary({ bucketMs: view.getFloat64(8, true), buckets: view.getFloat64(16, true) });
    if (bytes.byteLength !== HEADER_BYTES + 5 * s.buckets) {
      throw new RangeError(`TrendSummary.fromBytes: ${bytes.byteLength} bytes for ${s.buckets} buckets`);
    }
    s.newest = view.getFloat64(24, true);
    for (let i = 0; i < s.buckets; i++) s.means[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
    const countsAt = HEADER_BYTES + 4 * s.buckets;
    s.counts.set(bytes.subarray(countsAt, countsAt + s.buckets));
    return s;
  }

  private slot(b: number): number {
    return ((b % this.buckets) + this.buckets) % this.buckets;
  }

  /** Moves the newest bucket to `b`, emptying the buckets that fall out of the window or are skipped. */
  private advance(b: number): void {
    const from = Number.isFinite(this.newest) ? Math.max(this.newest + 1, b - this.buckets + 1) : b - this.buckets + 1;
    for (let k = from; k <= b; k++) {
      const slot = this.slot(k);
      this.counts[slot] = 0;
      this.means[slot] = 0;
    }
    this.newest = b;
  }
}
