import { TrendSummary } from '@tideline/stats';
import type { TimeToLimitInput, TimeToLimitProjector, TimeToLimitRange } from './time-to-limit';

const METHOD = 'trend + daily/weekly cycles of the current fill, 80 % range (libs/stats TrendSummary.timeUntilLimit)';

/**
 * The projector of libs/stats: the series' closed trend buckets, as the baseline service kept and wrote them
 * (`trend_buckets`: libs/stats `TrendBucket`, the same float32 means and counts a `TrendSummary` keeps when it learns
 * the points), fill a `TrendSummary` with `addBucket`, whose `timeUntilLimit` gives the p10/p50/p90 range from the
 * report's end. The summary so rebuilt is byte-identical to one that learned every point, and `tideline bench
 * time-to-limit` measures this same path (points → `TrendBucket` → `addBucket` → `timeUntilLimit`). The report reads
 * at most four weeks of half-hour rows per series with a limit (1,344), no raw history.
 */
export class StatsTimeToLimit implements TimeToLimitProjector {
  private readonly template = new TrendSummary();
  readonly bucketMs = this.template.bucketMs;
  readonly lookbackMs = this.template.bucketMs * this.template.buckets;

  project(input: TimeToLimitInput): TimeToLimitRange | undefined {
    const summary = new TrendSummary();
    const counts = input.counts;
    for (let i = 0; i < input.values.length; i++) {
      summary.addBucket(input.times[i]!, input.values[i]!, counts === undefined ? 1 : counts[i]!);
    }
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
