import type { LimitRef, Projection } from '../report/report.schema';
import type { BucketedSeries } from './analysis.types';
import type { TimeToLimitProjector } from './time-to-limit';

/** A series' stored trend buckets (`trend_buckets`), oldest first: starts, means and point counts. */
export interface TrendRows extends BucketedSeries {
  readonly counts: Float64Array;
}

const DAY = 86_400_000;

/** Where a projection's rows start: the projector's look-back before `until`, on a bucket boundary. */
export function projectionFrom(projector: TimeToLimitProjector, until: number): number {
  return Math.floor((until - projector.lookbackMs) / projector.bucketMs) * projector.bucketMs;
}

/**
 * One series' time until its limit, from its stored trend buckets, counted from `nowMs`: what the weekly report lists
 * and the dashboard's series page shows (one function, so both show the same range). Undefined when the series has no
 * complete bucket, or is not heading for the limit and has not reached it.
 */
export function projectToLimit(
  rows: TrendRows,
  limit: LimitRef,
  projector: TimeToLimitProjector,
  nowMs: number,
): Projection | undefined {
  const range = projector.project({
    times: rows.times,
    values: rows.values,
    counts: rows.counts,
    limit: limit.limit,
    nowMs,
  });
  if (!range) return undefined;
  const breached = range.current >= limit.limit;
  if (!breached && !Number.isFinite(range.p50Ms)) return undefined;
  return {
    series: rows.series,
    host: rows.host,
    metric: rows.metric,
    limit,
    current: range.current,
    slopePerDay: range.slopePerMs * DAY,
    etaP10Ms: breached ? 0 : range.p10Ms,
    etaP50Ms: breached ? 0 : range.p50Ms,
    etaP90Ms: breached ? 0 : range.p90Ms,
    method: range.method,
    breached,
  };
}
