import { TrendSummary } from '@tideline/stats';
import type { TimeToLimitInput, TimeToLimitProjector, TimeToLimitRange } from './time-to-limit';

const METHOD = 'trend + daily/weekly cycles of the current fill, 80 % range (libs/stats TrendSummary.timeUntilLimit)';

/**
 * The projector of libs/stats: the series' bucket means (InfluxDB's `mean("value")` per bucket of
 * `TrendSummary`'s width, the same numbers the summary keeps when it learns the points) fill a `TrendSummary`, whose
 * `timeUntilLimit` gives the p10/p50/p90 range from the report's end. This is the code path `tideline bench
 * time-to-limit` measures (there the summary learns every point); the bounded summary (6.7 KB per series) is the
 * whole input, so the report reads at most four weeks of half-hour means per series with a limit.
 */
export class StatsTimeToLimit implements TimeToLimitProjector {
  private readonly template = new TrendSummary();
  readonly bucketMs = this.template.bucketMs;
  readonly lookbackMs = this.template.bucketMs * this.template.buckets;

  project(input: TimeToLimitInput): TimeToLimitRange | undefined {
    const summary = new TrendSummary();
    for (let i = 0; i < input.values.length; i++) summary.addBucket(input.times[i]!, input.values[i]!);
    const p = summary.timeUntilLimit(input.limit, input.nowMs);
    if (!Number.isFinite(p.current)) return undefined;
    if (p.range === null) {
      return { p10Ms: Infinity, p50Ms: Infinity, p90Ms: Infinity, current: p.current, slopePerMs: 0, method: METHOD };
    }
    return {
      p10Ms: p.range.p10Ms,
      p50Ms: p.range.p50Ms,
      p90Ms: p.range.p90Ms,
      current: p.current,
      slopePerMs: p.range.slopePerMs,
      method: METHOD,
    };
  }
}
