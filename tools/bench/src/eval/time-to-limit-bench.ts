/**
 * The time-to-limit benchmark: every estimator on every synthetic series of `time-to-limit-scenarios.ts`, scored
 * against the known crossing time. Pure: the caller prints.
 *
 * Per estimator and family (and over all series):
 * - answered: share of series with an estimate (an estimator may say "not heading to the limit");
 * - median absolute error of the p50 estimate, in hours and relative to the true time (a series without an estimate
 *   counts as an infinite error);
 * - hit rate: share of true crossings inside the estimator's range [p10, p90]; a series without an estimate is a
 *   miss;
 * - sharpness: median width of the range relative to the true time ((high − low) / truth; a series without an
 *   estimate or with an open-ended range counts as infinitely wide), and how many ranges are open-ended.
 */
import { TrendBucket, TrendSummary, timeUntilLimitRange, type ClosedTrendBucket } from '@tideline/stats';
import { LIMIT_SCENARIO_FAMILIES, type LimitScenario, type LimitScenarioFamily } from './time-to-limit-scenarios';

export interface LimitEstimate {
  readonly low: number;
  readonly mid: number;
  readonly high: number;
}

export interface LimitEstimator {
  readonly name: string;
  readonly description: string;
  readonly range: string;
  /** Bytes of state per series the estimator works from; null when it keeps every point (unbounded). */
  readonly stateBytes: number | null;
  estimate(s: LimitScenario): LimitEstimate | null;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** History the range estimator looks at (the last four weeks). */
const WINDOW = 28 * DAY;

export const LIMIT_ESTIMATORS: readonly LimitEstimator[] = [
  {
    name: 'summary',
    description:
      "the product path (the weekly report's projection): every point into the series' TrendBucket as the baseline service keeps it (24 bytes: the open half hour), each closed half hour into a TrendSummary with addBucket as the reporter reads them from trend_buckets (half-hour means over 4 weeks), then its timeUntilLimit: timeUntilLimitRange on the complete buckets (current segment; line and accelerating parabola (AICc) + daily/weekly profiles; cluster-robust t bands widened by calibration on its own past; first crossings of the bands)",
    range: '[p10, p90]',
    stateBytes: TrendBucket.stateBytes,
    estimate: (s) => {
      const open = new TrendBucket();
      const summary = new TrendSummary();
      const closed: ClosedTrendBucket = { startMs: 0, mean: 0, count: 0 };
      for (let i = 0; i < s.values.length; i++) {
        if (open.update(s.timestampsMs[i]!, s.values[i]!, closed))
          summary.addBucket(closed.startMs, closed.mean, closed.count);
      }
      const r = summary.timeUntilLimit(s.limit, s.timestampsMs[s.timestampsMs.length - 1]!).range;
      return r === null ? null : { low: r.p10Ms, mid: r.p50Ms, high: r.p90Ms };
    },
  },
  {
    name: 'raw-points',
    description:
      'for comparison: timeUntilLimitRange on every point of the last four weeks (unbounded state: 8,064 points at 5 minutes)',
    range: '[p10, p90]',
    stateBytes: null,
    estimate: (s) => {
      const lastT = s.timestampsMs[s.timestampsMs.length - 1]!;
      let from = 0;
      while (s.timestampsMs[from]! < lastT - WINDOW) from++;
      const r = timeUntilLimitRange(s.timestampsMs.subarray(from), s.values.subarray(from), s.limit);
      return r === null ? null : { low: r.p10Ms, mid: r.p50Ms, high: r.p90Ms };
    },
  },
];

export interface LimitMetrics {
  readonly series: number;
  readonly answered: number;
  readonly median_abs_error_hours: number | null;
  readonly median_relative_error: number | null;
  readonly hit_rate: number | null;
  readonly median_relative_width: number | null;
  readonly open_ended: number;
}

export interface LimitBenchResult {
  readonly estimator: string;
  readonly range: string;
  readonly overall: LimitMetrics;
  readonly families: Readonly<Record<LimitScenarioFamily, LimitMetrics>>;
}

interface Outcome {
  readonly family: LimitScenarioFamily;
  readonly absError: number;
  readonly relError: number;
  readonly hit: boolean;
  readonly answered: boolean;
  readonly relWidth: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function finiteOrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

function metrics(outcomes: readonly Outcome[]): LimitMetrics {
  const abs = median(outcomes.map((o) => o.absError));
  const rel = median(outcomes.map((o) => o.relError));
  return {
    series: outcomes.length,
    answered: outcomes.filter((o) => o.answered).length,
    median_abs_error_hours: abs === null || !Number.isFinite(abs) ? null : abs / HOUR,
    median_relative_error: rel === null || !Number.isFinite(rel) ? null : rel,
    hit_rate: outcomes.length === 0 ? null : outcomes.filter((o) => o.hit).length / outcomes.length,
    median_relative_width: finiteOrNull(median(outcomes.map((o) => o.relWidth))),
    open_ended: outcomes.filter((o) => o.answered && !Number.isFinite(o.relWidth)).length,
  };
}

/** Scores every estimator on every scenario. */
export function runTimeToLimitBench(
  scenarios: readonly LimitScenario[],
  estimators: readonly LimitEstimator[] = LIMIT_ESTIMATORS,
  onScenario?: (done: number) => void,
): LimitBenchResult[] {
  const outcomes = estimators.map(() => [] as Outcome[]);
  scenarios.forEach((s, index) => {
    const truth = s.trueCrossingMs;
    estimators.forEach((e, k) => {
      const est = e.estimate(s);
      const absError = est === null ? Infinity : Math.abs(est.mid - truth);
      outcomes[k]!.push({
        family: s.family,
        absError,
        relError: absError / truth,
        hit: est !== null && truth >= est.low && truth <= est.high,
        answered: est !== null,
        relWidth: est === null ? Infinity : (est.high - est.low) / truth,
      });
    });
    onScenario?.(index + 1);
  });
  return estimators.map((e, k) => ({
    estimator: e.name,
    range: e.range,
    overall: metrics(outcomes[k]!),
    families: Object.fromEntries(
      LIMIT_SCENARIO_FAMILIES.map((f) => [f, metrics(outcomes[k]!.filter((o) => o.family === f))]),
    ) as Record<LimitScenarioFamily, LimitMetrics>,
  }));
}
