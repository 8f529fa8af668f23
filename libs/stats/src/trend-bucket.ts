/** Most points a bucket counts; beyond it, new points keep weight 1/256 (a running mean of the latest points). */
export const TREND_BUCKET_MAX_COUNT = 255;

/**
 * A bucket's mean after adding `count` points of mean `mean` to `n` points of mean `current`: weighted in float64,
 * rounded to float32 as a {@link TrendSummary} stores it. The one arithmetic of both {@link TrendSummary.addBucket}
 * and {@link TrendBucket.update}, so a summary filled from closed buckets is byte-identical to one that learned every
 * point.
 */
export function addToBucketMean(current: number, n: number, mean: number, count: number): number {
  return Math.fround(n === 0 ? mean : current + ((mean - current) * count) / (n + count));
}

/** A bucket that {@link TrendBucket.update} closed: its start (epoch ms), float32 mean and point count (≤ 255). */
export interface ClosedTrendBucket {
  startMs: number;
  mean: number;
  count: number;
}

const HALF_HOUR = 1_800_000;
const VERSION = 1;
/** `snapshot()`: version, bucketMs, index (float64 each), mean (float32), count (uint8), padded to 32 bytes. */
const SNAPSHOT_BYTES = 32;

/**
 * The open bucket of a series' {@link TrendSummary}: the mean and count of the points of the current bucket (default
 * half an hour). When a point opens the next bucket, the previous one is closed and handed out, to be stored where
 * the summary is read (the baseline service writes it to InfluxDB's `trend_buckets`; the reporter fills a
 * `TrendSummary` from those rows with `addBucket`). That keeps the per-series state of a projection at 24 bytes
 * (index, mean, count) instead of the 6,728 of the whole four-week ring, and the ring identical: the means are
 * computed with the summary's own arithmetic ({@link addToBucketMean}) and rounding.
 *
 * Points must come in time order (the baseline model learns only points after its latest): a point of an earlier
 * bucket than the open one is ignored. O(1) per point, no allocation.
 *
 * @example
 * ```ts
 * const open = new TrendBucket();
 * const closed = { startMs: 0, mean: 0, count: 0 };
 * open.update(0, 10, closed); // false: the first bucket opens
 * open.update(600_000, 20, closed); // false: same half hour
 * open.update(1_800_000, 30, closed); // true: closed = { startMs: 0, mean: 15, count: 2 }
 * ```
 */
export class TrendBucket {
  readonly bucketMs: number;
  /** Index (time / bucketMs) of the open bucket; −Infinity before the first point. */
  private index = -Infinity;
  private mean = 0;
  private count = 0;

  constructor(bucketMs = HALF_HOUR) {
    if (!(bucketMs > 0)) throw new RangeError(`TrendBucket: bucketMs > 0 (got ${bucketMs})`);
    this.bucketMs = bucketMs;
  }

  /** Bytes of learned state: the open bucket's index (8), mean (8) and count (8) as held in memory. */
  static readonly stateBytes = 24;

  /**
   * Learns one point. Returns true when the point opened a new bucket after a non-empty one, which is then in
   * `closed`; non-finite values and points before the open bucket are ignored (false).
   */
  update(timestampMs: number, value: number, closed: ClosedTrendBucket): boolean {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return false;
    const b = Math.floor(timestampMs / this.bucketMs);
    if (b < this.index) return false;
    let closes = false;
    if (b > this.index) {
      if (this.count > 0) {
        closed.startMs = this.index * this.bucketMs;
        closed.mean = this.mean;
        closed.count = this.count;
        closes = true;
      }
      this.index = b;
      this.mean = 0;
      this.count = 0;
    }
    this.mean = addToBucketMean(this.mean, this.count, value, 1);
    this.count = Math.min(TREND_BUCKET_MAX_COUNT, this.count + 1);
    return closes;
  }

  /** The open bucket (not complete yet), or undefined before the first point. */
  open(): ClosedTrendBucket | undefined {
    return this.count > 0 ? { startMs: this.index * this.bucketMs, mean: this.mean, count: this.count } : undefined;
  }

  /** 32 bytes: version, bucketMs, open index (float64 each), mean (float32), count (uint8). Exact. */
  snapshot(): Uint8Array {
    const out = new Uint8Array(SNAPSHOT_BYTES);
    const view = new DataView(out.buffer);
    view.setFloat64(0, VERSION, true);
    view.setFloat64(8, this.bucketMs, true);
    view.setFloat64(16, this.index, true);
    view.setFloat32(24, this.mean, true);
    view.setUint8(28, this.count);
    return out;
  }

  /** Restores what {@link snapshot} wrote, exactly. */
  static restore(bytes: Uint8Array): TrendBucket {
    if (bytes.byteLength !== SNAPSHOT_BYTES) {
      throw new RangeError(`TrendBucket.restore: ${bytes.byteLength} bytes, expected ${SNAPSHOT_BYTES}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getFloat64(0, true);
    if (version !== VERSION) throw new RangeError(`TrendBucket.restore: unknown version ${version}`);
    const bucket = new TrendBucket(view.getFloat64(8, true));
    const index = view.getFloat64(16, true);
    const count = view.getUint8(28);
    if (!(index === -Infinity || Number.isInteger(index)) || count > TREND_BUCKET_MAX_COUNT) {
      throw new RangeError('TrendBucket.restore: not a snapshot');
    }
    bucket.index = index;
    bucket.mean = view.getFloat32(24, true);
    bucket.count = count;
    return bucket;
  }
}
