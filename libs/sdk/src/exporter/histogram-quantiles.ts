import type { ExponentialHistogram, Histogram } from '@opentelemetry/sdk-metrics';

/** The quantiles every histogram is summarised by (the SDK's and the collector's Prometheus scrapes), with their metric-name suffixes. */
export const HISTOGRAM_QUANTILES: readonly (readonly [suffix: string, q: number])[] = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
];

/**
 * Estimates the `q`-quantile (0..1) of an explicit-bucket histogram by linear interpolation inside the bucket that
 * holds rank `q·count` (Prometheus' `histogram_quantile` method). The open first and last buckets are closed with the
 * recorded min and max, and the result is clamped to [min, max]. Undefined for an empty histogram.
 * Error: at most the width of the bucket the quantile falls in. O(buckets).
 *
 * @example explicitHistogramQuantile({ buckets: { boundaries: [10, 20], counts: [0, 4, 0] }, count: 4, min: 12, max: 18 }, 0.5) // 15
 */
export function explicitHistogramQuantile(histogram: Histogram, q: number): number | undefined {
  const { count, min, max } = histogram;
  if (count <= 0) return undefined;
  const { boundaries, counts } = histogram.buckets;
  const rank = clamp01(q) * count;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i] ?? 0;
    if (inBucket === 0 || cumulative + inBucket < rank) {
      cumulative += inBucket;
      continue;
    }
    let lower = i === 0 ? (min ?? boundaries[0] ?? 0) : (boundaries[i - 1] as number);
    let upper = i === boundaries.length ? (max ?? boundaries[i - 1] ?? 0) : (boundaries[i] as number);
    if (min !== undefined) lower = Math.max(lower, min);
    if (max !== undefined) upper = Math.min(upper, max);
    const value = lower + (upper - lower) * ((rank - cumulative) / inBucket);
    return clampTo(value, min, max);
  }
  return max;
}

/**
 * Estimates the `q`-quantile (0..1) of an OpenTelemetry base-2 exponential histogram: the nearest-rank bucket
 * (rank ⌈q·count⌉, counting negative buckets from the most negative, then zeros, then positive buckets), represented
 * by the point 2LU/(L+U) of its bounds (L, U], which bounds the relative error by (base − 1)/(base + 1) with
 * base = 2^(2^−scale) (the DDSketch argument; ≈ 4.3 % at scale 3). Clamped to [min, max]. Undefined when empty.
 * O(buckets).
 *
 * @example exponentialHistogramQuantile({ count: 1, scale: 0, zeroCount: 0, positive: { offset: 3, bucketCounts: [1] }, negative: { offset: 0, bucketCounts: [] }, min: 9, max: 9 }, 0.5) // 9
 */
export function exponentialHistogramQuantile(histogram: ExponentialHistogram, q: number): number | undefined {
  const { count, min, max, scale, zeroCount, positive, negative } = histogram;
  if (count <= 0) return undefined;
  const target = Math.max(1, Math.ceil(clamp01(q) * count));
  let cumulative = 0;
  for (let k = negative.bucketCounts.length - 1; k >= 0; k--) {
    cumulative += negative.bucketCounts[k] ?? 0;
    if (cumulative >= target) return clampTo(-representative(negative.offset + k, scale), min, max);
  }
  cumulative += zeroCount;
  if (cumulative >= target) return clampTo(0, min, max);
  for (let k = 0; k < positive.bucketCounts.length; k++) {
    cumulative += positive.bucketCounts[k] ?? 0;
    if (cumulative >= target) return clampTo(representative(positive.offset + k, scale), min, max);
  }
  return max;
}

/** The point of bucket `index`'s bounds (base^index, base^(index+1)] with the least worst-case relative error. */
function representative(index: number, scale: number): number {
  const lower = Math.pow(2, index * Math.pow(2, -scale));
  const upper = Math.pow(2, (index + 1) * Math.pow(2, -scale));
  return (2 * lower * upper) / (lower + upper);
}

function clamp01(q: number): number {
  return Math.min(1, Math.max(0, q));
}

function clampTo(value: number, min: number | undefined, max: number | undefined): number {
  let out = value;
  if (min !== undefined && out < min) out = min;
  if (max !== undefined && out > max) out = max;
  return out;
}
