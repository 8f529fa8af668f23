import { moments, welchTTest } from '@tideline/stats';
import type { SeriesComparison, WeekStats } from '../report/report.schema';
import type { SeriesId } from './analysis.types';

/** One series' aggregates for one week, from the query store. Daily means are NaN for days without points. */
export interface WeekAggregates {
  readonly dailyMeans: Float64Array;
  readonly p95?: number;
  readonly max?: number;
}

export interface ComparisonOptions {
  /** Significance level of Welch's test. */
  readonly alpha: number;
  /** Smallest relative change of the mean that may be called significant (practical significance). */
  readonly minRelativeChange: number;
}

/**
 * This week against last week and against the baseline. The week's mean is the mean of its daily means (equal to
 * the point mean when days are equally sampled, and robust to a day sampled twice as often). The change is called
 * significant when Welch's t-test on the two weeks' daily means gives p < alpha **and** the mean moved by at least
 * `minRelativeChange`: with 7 against 7 days the test alone would flag tiny but steady drifts.
 */
export function compareWeeks(
  id: SeriesId,
  thisWeek: WeekAggregates | undefined,
  lastWeek: WeekAggregates | undefined,
  baselineMean: number | undefined,
  options: ComparisonOptions,
): SeriesComparison {
  const a = thisWeek ? weekStats(thisWeek) : undefined;
  const b = lastWeek ? weekStats(lastWeek) : undefined;
  const out: { -readonly [K in keyof SeriesComparison]: SeriesComparison[K] } = { ...id };
  if (a) out.thisWeek = a.stats;
  if (b) out.lastWeek = b.stats;
  if (baselineMean !== undefined && Number.isFinite(baselineMean)) out.baselineMean = baselineMean;
  if (a && b) {
    out.changeVsLastWeek = relativeChange(a.stats.mean, b.stats.mean);
    const test = welchTTest(moments(a.days), moments(b.days));
    if (test) {
      out.significance = {
        test: 'welch-t-daily-means',
        t: test.t,
        df: test.df,
        pValue: test.pValue,
        significant: test.pValue < options.alpha && Math.abs(out.changeVsLastWeek) >= options.minRelativeChange,
      };
    }
  }
  if (a && out.baselineMean !== undefined) out.changeVsBaseline = relativeChange(a.stats.mean, out.baselineMean);
  return out;
}

function weekStats(w: WeekAggregates): { stats: WeekStats; days: number[] } | undefined {
  const days: number[] = [];
  for (const x of w.dailyMeans) if (Number.isFinite(x)) days.push(x);
  if (days.length === 0) return undefined;
  const mean = days.reduce((s, x) => s + x, 0) / days.length;
  return {
    days,
    stats: { mean, p95: w.p95 ?? Number.NaN, max: w.max ?? Number.NaN, daysWithData: days.length },
  };
}

/** `(now − before) / |before|`; ±Infinity when `before` is 0 and `now` is not. */
export function relativeChange(now: number, before: number): number {
  if (before === 0) return now === 0 ? 0 : now > 0 ? Infinity : -Infinity;
  return (now - before) / Math.abs(before);
}
