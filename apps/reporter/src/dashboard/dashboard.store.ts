import { MEASUREMENTS } from '@tideline/contracts';
import { parseSeriesKey, type AlertRecord, type SeriesId } from '../analysis/analysis.types';
import { highestSeverity } from '../analysis/incidents';
import { projectToLimit, projectionFrom } from '../analysis/limit-projection';
import { LimitResolver, type LimitRule } from '../analysis/limits';
import { StatsTimeToLimit } from '../analysis/stats-time-to-limit';
import type { TimeToLimitProjector } from '../analysis/time-to-limit';
import { ReportQueryStore, type InfluxQueryable } from '../query/report-query.store';
import type { Projection } from '../report/report.schema';

/** One alert (one id) as it stands: its last transition, with when it started and, once resolved, when it ended. */
export interface AlertSummary extends SeriesId {
  readonly id: string;
  readonly state: 'firing' | 'resolved';
  readonly severity: AlertRecord['severity'];
  readonly startedAt: number;
  /** The time of the `resolved` row; undefined while firing. */
  readonly resolvedAt: number | undefined;
  /** The highest score among the alert's rows. */
  readonly peakScore: number;
  readonly lastValue: number;
}

/** A series' values, band and alerts over a window, in regular buckets (NaN where a bucket is empty). */
export interface SeriesWindow {
  readonly series: string;
  readonly from: number;
  readonly until: number;
  readonly times: Float64Array;
  readonly value: Float64Array;
  readonly expected: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly alerts: readonly AlertSummary[];
}

/**
 * How far back the dashboard looks for alerts: what the database keeps (`influx.retention`, 30 d by default), so an
 * alert that fired weeks ago and never resolved still shows as firing.
 */
export const ALERT_LOOKBACK_MS = 30 * 86_400_000;

/** Folds alert transitions (any order, a transition stored twice counts once) into one summary per id. */
export function summarizeAlerts(rows: readonly AlertRecord[]): AlertSummary[] {
  const byId = new Map<string, AlertRecord[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  const out: AlertSummary[] = [];
  for (const [id, list] of byId) {
    list.sort((a, b) => a.time - b.time);
    const last = list[list.length - 1]!;
    const started = list.find((r) => Number.isFinite(r.startedAt))?.startedAt ?? list[0]!.time;
    out.push({
      id,
      series: last.series,
      host: last.host,
      metric: last.metric,
      state: last.state,
      severity: highestSeverity(list),
      startedAt: started,
      resolvedAt: last.state === 'resolved' ? last.time : undefined,
      peakScore: Math.max(...list.map((r) => (Number.isFinite(r.score) ? r.score : -Infinity))),
      lastValue: last.value,
    });
  }
  return out.sort((a, b) => b.startedAt - a.startedAt);
}

/**
 * The dashboard's InfluxQL: alerts, the series list, one series' window and its time until a limit (through the
 * report's query store and projection, so the dashboard shows the range the report shows).
 */
export class DashboardQueryStore {
  private readonly report: ReportQueryStore;
  private readonly limits: LimitResolver;

  constructor(
    private readonly influx: InfluxQueryable,
    private readonly database?: string,
    /** `reporter.limits`: which series have a limit to project to. */
    limits: readonly LimitRule[] = [],
    private readonly projector: TimeToLimitProjector = new StatsTimeToLimit(),
  ) {
    this.report = new ReportQueryStore(influx, database);
    this.limits = new LimitResolver(limits);
  }

  /**
   * The series' time until its limit from `now`, from the trend buckets the baseline service stored (as the weekly
   * report projects it); undefined for a series without a limit or not heading there.
   */
  async projection(series: string, now: number): Promise<Projection | undefined> {
    const id = parseSeriesKey(series);
    const limit = this.limits.resolve(id.metric, id.host);
    if (limit === undefined) return undefined;
    const rows = await this.report.trendSummaryBuckets(projectionFrom(this.projector, now), now, { series });
    const found = rows.get(series);
    return found && projectToLimit(found, limit, this.projector, now);
  }

  /** Every alert whose rows lie in `[from, until)`, latest state per id, newest first. */
  async alerts(from: number, until: number): Promise<AlertSummary[]> {
    return summarizeAlerts(await this.report.alerts(from, until));
  }

  /** Every series key that has points, sorted, with its host and metric. */
  async series(): Promise<SeriesId[]> {
    const [result] = await this.influx.queryRaw(
      `SHOW TAG VALUES FROM "${MEASUREMENTS.points}" WITH KEY = "series"`,
      this.database ? { database: this.database } : {},
    );
    const keys = new Set<string>();
    for (const s of result?.series ?? []) {
      const at = s.columns.indexOf('value');
      for (const row of s.values) if (typeof row[at] === 'string') keys.add(row[at] as string);
    }
    return [...keys].sort().map(parseSeriesKey);
  }

  /** Values and band of `series` in `buckets` buckets over `[from, until)`, with the alerts that overlap it. */
  async window(series: string, from: number, until: number, buckets: number): Promise<SeriesWindow> {
    const bucketMs = Math.ceil((until - from) / buckets);
    const [chart, alerts] = await Promise.all([
      this.report.chartData([series], from, until, bucketMs),
      this.alerts(until - ALERT_LOOKBACK_MS, until + 3_600_000),
    ]);
    const data = chart.get(series)!;
    return {
      series,
      from,
      until,
      ...data,
      alerts: alerts.filter((a) => a.series === series && a.startedAt < until && (a.resolvedAt ?? until) >= from),
    };
  }
}
