import { MEASUREMENTS } from '@tideline/contracts';
import { detectLeak, type LeakEvidence } from '@tideline/stats';
import { alertHygiene } from '../analysis/alert-hygiene';
import type { SeriesId } from '../analysis/analysis.types';
import { detectBaselineShift } from '../analysis/baseline-shifts';
import { groupIncidents } from '../analysis/incidents';
import { projectToLimit, projectionFrom } from '../analysis/limit-projection';
import { LimitResolver, globToRegExp, type LimitRule } from '../analysis/limits';
import { recommend } from '../analysis/recommendations';
import { recurringAnomalyHours } from '../analysis/recurring-anomalies';
import type { TimeToLimitProjector } from '../analysis/time-to-limit';
import { compareWeeks, type WeekAggregates } from '../analysis/weekly-comparison';
import { formatZoned } from '../analysis/zoned-time';
import type { ChartSeriesData, DailyStats, ReportQueryStore } from '../query/report-query.store';
import { dataWindow, densify } from '../render/chart-window';
import { renderChart, type ChartInput } from '../render/chart.renderer';
import {
  REPORT_SCHEMA,
  type BaselineShift,
  type ChartRef,
  type DataNote,
  type Projection,
  type SeriesComparison,
  type Severity,
  type WeeklyReport,
} from './report.schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ReportAnalysisSettings {
  readonly anomalyScore: number;
  readonly warningScore: number;
  readonly criticalScore: number;
  readonly briefAlertMs: number;
  readonly flapWindowMs: number;
  readonly alpha: number;
  readonly minSignificantChange: number;
  readonly capacityHorizonMs: number;
  readonly growthForCapacity: number;
  readonly noisyMinAlerts: number;
  readonly noisyMinShareBrief: number;
  readonly maintenanceMinDays: number;
  readonly leakMetrics: string;
  readonly trendLookbackMs: number;
  readonly maxCharts: number;
  /** Series whose p95 is computed (the listed ones) when there are more series than this. */
  readonly maxPercentileSeries: number;
}

export interface ReportRequest {
  readonly id: string;
  readonly trigger: WeeklyReport['trigger'];
  readonly since: number;
  readonly until: number;
  readonly timezone: string;
  /** Notes the caller already knows (e.g. invalid recipients), added to the report's "what is missing". */
  readonly notes?: readonly DataNote[];
  /** Clock for `generatedAt`; default Date.now. */
  readonly now?: number;
}

export interface BuiltReport {
  readonly report: WeeklyReport;
  /** Chart PNGs by file name (see `report.charts`). */
  readonly charts: ReadonlyMap<string, Buffer>;
}

/** Most rows of a kind kept in the report (the JSON keeps every comparison; lists people read are capped). */
const MAX_ROWS = { shifts: 50, projections: 100, hygiene: 100 } as const;

/** The report's period and the one before it, of the same length (the comparison's "last week"). */
interface Period {
  readonly since: number;
  readonly until: number;
  readonly timezone: string;
  readonly periodMs: number;
  readonly prevSince: number;
  /** Days of the period, rounded up: the daily buckets of each week. */
  readonly days: number;
}

/** What the report reads from InfluxDB in its one pass over all series. */
interface QueriedData {
  readonly daily: Awaited<ReturnType<ReportQueryStore['dailyStats']>>;
  readonly baseline: Awaited<ReturnType<ReportQueryStore['bucketMeans']>>;
  readonly anomalies: Awaited<ReturnType<ReportQueryStore['anomalies']>>;
  readonly recentAlerts: Awaited<ReturnType<ReportQueryStore['alerts']>>;
  readonly trends: Awaited<ReturnType<ReportQueryStore['trendBuckets']>>;
  readonly projectionBuckets: Awaited<ReturnType<ReportQueryStore['trendSummaryBuckets']>>;
}

type Leak = SeriesId & { evidence: LeakEvidence };

/** The analyses in memory, before the charts. */
interface Analysis {
  readonly baselineThisWeek: ReadonlyMap<string, number>;
  /** Sorted; the chart step completes the listed series' entries with their percentile, in place. */
  readonly comparisons: SeriesComparison[];
  /** Series with data this period. */
  readonly withData: number;
  readonly incidents: WeeklyReport['incidents'];
  readonly hygiene: WeeklyReport['hygiene'];
  readonly shifts: BaselineShift[];
  readonly leaks: Leak[];
  readonly projections: Projection[];
}

interface ChartPick {
  readonly series: string;
  readonly reason: string;
}

/** A chart queried again where the series' data is, at a finer bucket. */
interface ZoomedChart {
  readonly data: ChartSeriesData;
  readonly from: number;
  readonly until: number;
  readonly note: string;
}

/**
 * Builds the weekly report: about ten InfluxQL queries for all series at once, then the analyses in memory, then the
 * charts of the few series worth a picture. The report is data ({@link WeeklyReport}); renderers make HTML and text.
 */
export class ReportBuilder {
  private readonly limits: LimitResolver;

  constructor(
    private readonly store: ReportQueryStore,
    private readonly settings: ReportAnalysisSettings,
    limitRules: readonly LimitRule[],
    private readonly projector: TimeToLimitProjector,
  ) {
    this.limits = new LimitResolver(limitRules);
  }

  /**
   * The report in four steps, timed: query (one pass over all series), analyse (in memory), chart (the percentile and
   * the chart data of the series the report lists, then the recommendations and the PNGs), assemble.
   */
  async build(request: ReportRequest): Promise<BuiltReport> {
    const period = periodOf(request);
    const started = performance.now();
    const notes: DataNote[] = [...(request.notes ?? [])];
    const data = await this.query(period);
    const queriedAt = performance.now();
    const analysis = await this.analyse(period, data, notes);
    const analysedAt = performance.now();
    const { charts, chartRefs, recommendations } = await this.chart(period, data, analysis);
    const finished = performance.now();
    const timings = {
      ...this.store.timings,
      queriesMs: Math.round(queriedAt - started),
      analysisMs: Math.round(analysedAt - queriedAt),
      chartsMs: Math.round(finished - analysedAt),
      totalMs: Math.round(finished - started),
    };
    const report = assemble(request, period, analysis, { chartRefs, recommendations, notes, timings });
    return { report, charts };
  }

  /**
   * Everything but the percentile for all series, the queries side by side: InfluxDB spreads them over its cores, and
   * none waits for another.
   */
  private async query(period: Period): Promise<QueriedData> {
    const s = this.settings;
    const { since, until, prevSince } = period;
    const leakGlob = globToRegExp(s.leakMetrics).source.slice(1, -1);
    const limitRegex = this.limits.metricRegex();
    const trendRegex = `^(${leakGlob})$`;
    const trendFrom = Math.min(prevSince, until - s.trendLookbackMs);
    // Projections read the trend summaries the baseline service keeps: its closed half hours (`trend_buckets`), at
    // most four weeks of rows per series with a limit, put into libs/stats TrendSummary by the projector.
    const trendBucketMs = Math.max(HOUR, Math.round((until - trendFrom) / 168 / HOUR) * HOUR);
    // Alerts from the previous period too: an incident that fired then and was still open this week belongs here.
    const [daily, baseline, anomalies, recentAlerts, trends, projectionBuckets] = await Promise.all([
      this.store.dailyStats(prevSince, until),
      this.store.bucketMeans('baseline', MEASUREMENTS.baseline, 'expected', prevSince, until, DAY),
      this.store.anomalies(since, until, s.anomalyScore),
      this.store.alerts(prevSince, until),
      this.store.trendBuckets(trendRegex, trendFrom, until, trendBucketMs),
      limitRegex
        ? this.store.trendSummaryBuckets(projectionFrom(this.projector, until), until, { metricRegex: limitRegex })
        : new Map<string, never>(),
    ]);
    return { daily, baseline, anomalies, recentAlerts, trends, projectionBuckets };
  }

  /** The analyses in memory: week-over-week comparisons (with notes on missing data), incidents, shifts, leaks, limits. */
  private async analyse(period: Period, data: QueriedData, notes: DataNote[]): Promise<Analysis> {
    const s = this.settings;
    const { since, until } = period;
    const baselineThisWeek = meanSince(data.baseline, since);
    const { comparisons, withData } = await this.compareSeries(period, data.daily, baselineThisWeek, notes);

    const incidents = groupIncidents(data.recentAlerts, data.anomalies, { until }).filter((i) => i.end >= since);
    const alerts = data.recentAlerts.filter((a) => a.time >= since);
    const hygiene = alertHygiene(alerts, { flapWindowMs: s.flapWindowMs, briefAlertMs: s.briefAlertMs });

    const shifts: BaselineShift[] = [];
    for (const b of data.baseline.values()) {
      const shift = detectBaselineShift(b, { since, until, minSegment: 2, minRelativeChange: 0.1, minStrength: 3 });
      if (shift) shifts.push(shift);
    }
    shifts.sort((a, b) => b.strength - a.strength);

    const leakRe = globToRegExp(s.leakMetrics);
    const leaks: Leak[] = [];
    for (const t of data.trends.values()) {
      if (leakRe.test(t.metric)) {
        const evidence = detectLeak(t, { since, until, minRelativeGrowth: 0.05, minRisingTroughs: 0.8 });
        if (evidence) leaks.push({ series: t.series, host: t.host, metric: t.metric, evidence });
      }
    }
    const projections = this.projectLimits(data.projectionBuckets, until);
    leaks.sort((a, b) => b.evidence.relativeGrowth - a.evidence.relativeGrowth);
    return { baselineThisWeek, comparisons, withData, incidents, hygiene, shifts, leaks, projections };
  }

  /**
   * Per series: this week against last week and the baseline, most significant and largest change first; notes on
   * series without data, new, gone, with gaps or without a baseline.
   */
  private async compareSeries(
    period: Period,
    daily: ReadonlyMap<string, DailyStats>,
    baselineThisWeek: ReadonlyMap<string, number>,
    notes: DataNote[],
  ): Promise<{ comparisons: SeriesComparison[]; withData: number }> {
    const { since, until, timezone, days } = period;
    const comparisons: SeriesComparison[] = [];
    const gaps: string[] = [];
    const newSeries: SeriesId[] = [];
    const goneSeries: string[] = [];
    const noBaseline: string[] = [];
    for (const [key, d] of daily) {
      const c = this.compare(period, baselineThisWeek, key, d);
      comparisons.push(c);
      if (c.thisWeek && !c.lastWeek) newSeries.push(d);
      if (!c.thisWeek && c.lastWeek) goneSeries.push(key);
      if (c.thisWeek && c.lastWeek && c.thisWeek.daysWithData < days) gaps.push(key);
      if (c.thisWeek && c.baselineMean === undefined) noBaseline.push(key);
    }
    comparisons.sort(
      (a, b) =>
        Number(b.significance?.significant ?? false) - Number(a.significance?.significant ?? false) ||
        Math.abs(finiteOr(b.changeVsLastWeek, 0)) - Math.abs(finiteOr(a.changeVsLastWeek, 0)) ||
        a.series.localeCompare(b.series),
    );
    const withData = comparisons.filter((c) => c.thisWeek).length;
    if (withData === 0) {
      notes.push({
        kind: 'no-data',
        message: `No points at all between ${formatZoned(since, timezone)} and ${formatZoned(until, timezone)} (${timezone}): nothing to compare, project or chart.`,
      });
    }
    await this.describeNewSeries(newSeries, daily, days, { since, until, timezone }, notes);
    if (goneSeries.length > 0) {
      notes.push({
        kind: 'gone-series',
        message: `${goneSeries.length} series had data last week but none this week.`,
        series: goneSeries.slice(0, 20),
      });
    }
    if (gaps.length > 0) {
      notes.push({
        kind: 'gaps',
        message: `${gaps.length} series have whole days without data this week; their means cover the days with data only.`,
        series: gaps.slice(0, 20),
      });
    }
    if (noBaseline.length > 0) {
      notes.push({
        kind: 'no-baseline',
        message: `${noBaseline.length} series have data but no baseline this week (not learned yet).`,
        series: noBaseline.slice(0, 20),
      });
    }
    return { comparisons, withData };
  }

  /** One series' comparison; with `p95` (last week's, this week's) once the percentile has been queried. */
  private compare(
    period: Period,
    baselineThisWeek: ReadonlyMap<string, number>,
    key: string,
    d: DailyStats,
    p95?: Float64Array,
  ): SeriesComparison {
    const { days } = period;
    const last: WeekAggregates = {
      dailyMeans: d.mean.subarray(0, days),
      ...optional('p95', p95?.[0]),
      ...optional('max', maxOf(d.max.subarray(0, days))),
    };
    const current: WeekAggregates = {
      dailyMeans: d.mean.subarray(days, 2 * days),
      ...optional('p95', p95?.[1]),
      ...optional('max', maxOf(d.max.subarray(days, 2 * days))),
    };
    return compareWeeks(d, current, last, baselineThisWeek.get(key), {
      alpha: this.settings.alpha,
      minRelativeChange: this.settings.minSignificantChange,
    });
  }

  /** Series with a limit rule heading for (or over) their limit, soonest first. */
  private projectLimits(projectionBuckets: QueriedData['projectionBuckets'], until: number): Projection[] {
    const projections: Projection[] = [];
    for (const t of projectionBuckets.values()) {
      const limit = this.limits.resolve(t.metric, t.host);
      const projection = limit && projectToLimit(t, limit, this.projector, until);
      if (projection) projections.push(projection);
    }
    projections.sort((a, b) => a.etaP50Ms - b.etaP50Ms || a.etaP90Ms - b.etaP90Ms);
    return projections;
  }

  /**
   * The series worth a picture, their chart data and the listed series' percentile (which completes their
   * comparisons, in place), the recommendations, and the PNGs.
   */
  private async chart(
    period: Period,
    data: QueriedData,
    analysis: Analysis,
  ): Promise<{ charts: Map<string, Buffer>; chartRefs: ChartRef[]; recommendations: WeeklyReport['recommendations'] }> {
    const s = this.settings;
    const { since, until, timezone, periodMs, prevSince } = period;
    const { comparisons, projections, leaks, hygiene } = analysis;
    const chosen = this.chooseCharts(analysis, timezone);
    const bucketMs = Math.max(5 * 60_000, Math.round(periodMs / 336));
    const listed = this.listedSeries(analysis, chosen, data.daily.size);
    const [chartData, p95] = await Promise.all([
      this.store.chartData(
        chosen.map((p) => p.series),
        since,
        until,
        bucketMs,
      ),
      data.daily.size <= s.maxPercentileSeries
        ? this.store.periodAggregate('p95', 'percentile("value", 95)', prevSince, until, periodMs)
        : this.store.periodAggregate('p95', 'percentile("value", 95)', prevSince, until, periodMs, [...listed]),
    ]);
    const zoomed = await this.zoomSparseCharts(chartData, since, until, bucketMs, timezone);
    for (let i = 0; i < comparisons.length; i++) {
      const c = comparisons[i]!;
      const values = p95.get(c.series);
      const d = data.daily.get(c.series);
      if (values && d) comparisons[i] = this.compare(period, analysis.baselineThisWeek, c.series, d, values);
    }
    const recurring = recurringAnomalyHours(data.anomalies, timezone, s.maintenanceMinDays);
    const recommendations = recommend(
      { projections, comparisons, leaks, hygiene, recurring },
      {
        capacityHorizonMs: s.capacityHorizonMs,
        growthForCapacity: s.growthForCapacity,
        noisyMinAlerts: s.noisyMinAlerts,
        noisyMinShareBrief: s.noisyMinShareBrief,
        briefAlertMs: s.briefAlertMs,
      },
    );
    const { charts, chartRefs } = this.renderCharts(period, data, analysis, chosen, chartData, zoomed);
    return { charts, chartRefs, recommendations };
  }

  /**
   * Every incident, projection, leak, shift and significant change, one of each kind in turn (most severe, soonest,
   * strongest first) until `maxCharts`, so that each kind is shown when there are many of another.
   */
  private chooseCharts(analysis: Analysis, timezone: string): ChartPick[] {
    const { incidents, projections, leaks, shifts, comparisons } = analysis;
    const bySeverity = [...incidents].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.peak.score - a.peak.score,
    );
    return pickCharts(
      [
        bySeverity.map((i) => ({
          series: i.series,
          reason: `incident on ${i.host} at ${formatZoned(i.start, timezone)}`,
        })),
        projections.map((p) => ({ series: p.series, reason: `projection: ${p.limit.label}` })),
        leaks.map((l) => ({ series: l.series, reason: 'leak-like trend' })),
        shifts.map((sh) => ({ series: sh.series, reason: 'baseline shift' })),
        comparisons
          .filter((c) => c.significance?.significant)
          .map((c) => ({ series: c.series, reason: 'significant change' })),
      ],
      this.settings.maxCharts,
    );
  }

  /**
   * The series whose percentile is computed when there are more than `maxPercentileSeries`: the percentile is by far
   * the costliest aggregate in InfluxDB 1.x (it materialises every point: ~100 s for 8.4M points here, more than
   * everything else together), so it is computed for the series the report lists, both weeks, alongside the chart
   * data; the JSON's other series carry mean and max only.
   */
  private listedSeries(analysis: Analysis, chosen: readonly ChartPick[], seriesCount: number): Set<string> {
    const max = this.settings.maxPercentileSeries;
    const listed = new Set<string>();
    for (const c of analysis.comparisons) {
      if (listed.size >= max) break;
      if (c.significance?.significant) listed.add(c.series);
    }
    for (const key of [
      ...analysis.incidents.map((i) => i.series),
      ...analysis.projections.map((p) => p.series),
      ...analysis.shifts.map((x) => x.series),
      ...analysis.leaks.map((l) => l.series),
      ...chosen.map((p) => p.series),
    ]) {
      if (listed.size < max || seriesCount <= max) listed.add(key);
    }
    return listed;
  }

  /** The PNG of each chosen series (zoomed in where its data is sparse) and its reference in the report. */
  private renderCharts(
    period: Period,
    data: QueriedData,
    analysis: Analysis,
    chosen: readonly ChartPick[],
    chartData: ReadonlyMap<string, ChartSeriesData>,
    zoomed: ReadonlyMap<string, ZoomedChart>,
  ): { charts: Map<string, Buffer>; chartRefs: ChartRef[] } {
    const { since, until, timezone } = period;
    const charts = new Map<string, Buffer>();
    const chartRefs: ChartRef[] = [];
    chosen.forEach((p, index) => {
      const zoom = zoomed.get(p.series);
      const series = zoom?.data ?? chartData.get(p.series);
      if (!series) return;
      const id = data.daily.get(p.series) ?? data.trends.get(p.series) ?? data.projectionBuckets.get(p.series);
      const limit = id ? this.limits.resolve(id.metric, id.host) : undefined;
      const file = `chart-${index + 1}.png`;
      charts.set(
        file,
        renderChart({
          title: p.series,
          times: series.times,
          value: series.value,
          expected: series.expected,
          lower: series.lower,
          upper: series.upper,
          anomalies: data.anomalies
            .filter((a) => a.series === p.series)
            .map((a) => ({ time: a.time, value: a.value, level: scoreLevel(a.score, this.settings) })),
          alerts: analysis.incidents
            .filter((i) => i.series === p.series)
            .map((i) => ({ start: i.start, end: i.end, severity: i.severity })),
          ...(limit ? { limit: limit.limit } : {}),
          ...projectionOf(analysis.projections, p.series),
          timeZone: timezone,
          from: zoom?.from ?? since,
          until: zoom?.until ?? until,
          ...(zoom ? { note: zoom.note } : {}),
        }),
      );
      const reason = zoom ? `${p.reason}; ${zoom.note.toLowerCase()}` : p.reason;
      chartRefs.push({ cid: `chart-${index + 1}@tideline`, file, series: p.series, title: p.series, reason });
    });
    return { charts, chartRefs };
  }

  /**
   * The charts of series with values in only a small part of the period (a replayed file that covers a few hours of
   * the week, a host that started on Sunday), queried again where their values are at a finer bucket: drawn on the
   * week's axis they were a few points in an empty frame. Each says so on the chart and in its reason.
   */
  private async zoomSparseCharts(
    chartData: Awaited<ReturnType<ReportQueryStore['chartData']>>,
    since: number,
    until: number,
    bucketMs: number,
    timezone: string,
  ): Promise<Map<string, ZoomedChart>> {
    const windows = [...chartData].flatMap(([key, d]) => {
      const window = dataWindow(d.times, d.value, bucketMs, since, until);
      return window ? [{ key, window }] : [];
    });
    const zoomed = await Promise.all(
      windows.map(async ({ key, window }) => {
        const fine = Math.max(60_000, Math.round((window.until - window.from) / 336 / 60_000) * 60_000);
        const queried = (await this.store.chartData([key], window.from, window.until, fine)).get(key);
        const data = queried && densify(queried, ['value', 'expected', 'lower', 'upper'], 'value');
        const note = `data only ${formatZoned(window.dataFrom, timezone)} - ${formatZoned(window.dataUntil, timezone)}: zoomed in`;
        return data ? [[key, { data, from: window.from, until: window.until, note }] as const] : [];
      }),
    );
    return new Map(zoomed.flat());
  }

  /**
   * Notes on series new this week: hosts all of whose series are new (with the day of their first point), then the
   * count of new series on known hosts. The daily buckets run 24 h from the period's start (the report's send time),
   * not calendar days, so a host whose first point is Thursday 03:00 falls in the bucket that starts Wednesday; the
   * note names the day of the host's first point, asked of InfluxDB for the hosts it lists.
   */
  private async describeNewSeries(
    newSeries: readonly SeriesId[],
    daily: ReadonlyMap<string, DailyStats>,
    days: number,
    period: { readonly since: number; readonly until: number; readonly timezone: string },
    notes: DataNote[],
  ): Promise<void> {
    if (newSeries.length === 0) return;
    const { since, until, timezone } = period;
    const byHost = new Map<string, SeriesId[]>();
    for (const s of newSeries) byHost.set(s.host, [...(byHost.get(s.host) ?? []), s]);
    const seriesPerHost = new Map<string, number>();
    for (const d of daily.values()) seriesPerHost.set(d.host, (seriesPerHost.get(d.host) ?? 0) + 1);
    const allNew: { host: string; firstDay: number }[] = [];
    for (const [host, list] of byHost) {
      if (list.length !== seriesPerHost.get(host)) continue;
      const firstDay = Math.min(
        ...list.map((s) => {
          const values = daily.get(s.series)!.mean;
          for (let i = days; i < values.length; i++) if (Number.isFinite(values[i]!)) return i - days;
          return days;
        }),
      );
      allNew.push({ host, firstDay });
    }
    const listed = allNew.slice(0, 20);
    const firstPoints =
      listed.length > 0
        ? await this.store.firstPointTimes(
            listed.map((h) => h.host),
            since + Math.min(...listed.map((h) => h.firstDay)) * DAY,
            until,
          )
        : new Map<string, number>();
    const startDay = formatZoned(since, timezone).slice(0, 14);
    const hostNotes = listed.map(({ host }) => {
      const first = firstPoints.get(host);
      const day = first === undefined ? startDay : formatZoned(first, timezone).slice(0, 14);
      return day !== startDay ? `${host} (from ${day})` : host;
    });
    if (allNew.length > 0) {
      notes.push({
        kind: 'new-series',
        message: `New this week, so no week-over-week comparison: host${allNew.length > 1 ? 's' : ''} ${hostNotes.join(', ')}${allNew.length > 20 ? ', …' : ''}.`,
        series: newSeries.slice(0, 20).map((s) => s.series),
      });
    }
    const newHosts = new Set(allNew.map((h) => h.host));
    const others = newSeries.filter((s) => !newHosts.has(s.host));
    if (others.length > 0) {
      notes.push({
        kind: 'new-series',
        message: `${others.length} series on known hosts are new this week.`,
        series: others.slice(0, 20).map((s) => s.series),
      });
    }
  }
}

function periodOf(request: ReportRequest): Period {
  const { since, until, timezone } = request;
  const periodMs = until - since;
  return {
    since,
    until,
    timezone,
    periodMs,
    prevSince: since - periodMs,
    days: Math.max(1, Math.ceil(periodMs / DAY)),
  };
}

/** Each series' mean of its finite bucket means from `since` on: the baseline this period. */
function meanSince(buckets: QueriedData['baseline'], since: number): Map<string, number> {
  const means = new Map<string, number>();
  for (const [key, b] of buckets) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < b.values.length; i++) {
      if (b.times[i]! >= since && Number.isFinite(b.values[i]!)) {
        sum += b.values[i]!;
        n++;
      }
    }
    if (n > 0) means.set(key, sum / n);
  }
  return means;
}

/** The report document: the analyses, the charts' references, the recommendations, the notes and the timings. */
function assemble(
  request: ReportRequest,
  period: Period,
  analysis: Analysis,
  parts: {
    readonly chartRefs: ChartRef[];
    readonly recommendations: WeeklyReport['recommendations'];
    readonly notes: DataNote[];
    readonly timings: WeeklyReport['timings'];
  },
): WeeklyReport {
  const { since, until, timezone, prevSince } = period;
  const { comparisons, incidents, hygiene, shifts, projections } = analysis;
  const hosts = new Set<string>();
  for (const c of comparisons) hosts.add(c.host);
  return {
    schema: REPORT_SCHEMA,
    id: request.id,
    title: `Tideline weekly report: ${formatZoned(since, timezone)} – ${formatZoned(until, timezone)} (${timezone})`,
    trigger: request.trigger,
    period: { since, until, timezone },
    previous: { since: prevSince, until: since, timezone },
    generatedAt: request.now ?? Date.now(),
    summary: {
      hosts: hosts.size,
      series: comparisons.length,
      seriesWithData: analysis.withData,
      significantChanges: comparisons.filter((c) => c.significance?.significant).length,
      incidents: incidents.length,
      alertsFired: hygiene.reduce((sum, h) => sum + h.firing, 0),
      projections: projections.length,
      recommendations: parts.recommendations.length,
    },
    comparisons,
    incidents,
    hygiene: hygiene.slice(0, MAX_ROWS.hygiene),
    shifts: shifts.slice(0, MAX_ROWS.shifts),
    projections: projections.slice(0, MAX_ROWS.projections),
    recommendations: parts.recommendations,
    notes: parts.notes,
    charts: parts.chartRefs,
    timings: parts.timings,
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value !== undefined && Number.isFinite(value) ? ({ [key]: value } as Record<K, number>) : {};
}

function maxOf(values: Float64Array): number | undefined {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m === -Infinity ? undefined : m;
}

function finiteOr(x: number | undefined, fallback: number): number {
  return x !== undefined && Number.isFinite(x) ? x : x === undefined ? fallback : 1e9;
}

/**
 * Up to `max` distinct series from the lists, one from each list in turn. A series already picked for an earlier
 * reason is not charted twice.
 */
function pickCharts(lists: readonly (readonly ChartPick[])[], max: number): ChartPick[] {
  const picks: ChartPick[] = [];
  const next = lists.map(() => 0);
  while (picks.length < max) {
    let progressed = false;
    lists.forEach((list, k) => {
      while (next[k]! < list.length && picks.length < max) {
        const candidate = list[next[k]!++]!;
        if (picks.some((p) => p.series === candidate.series)) continue;
        picks.push(candidate);
        progressed = true;
        break;
      }
    });
    if (!progressed) break;
  }
  return picks;
}

/** The chart's projection label of a series heading for its limit (none when it is not, or is over it already). */
function projectionOf(projections: readonly Projection[], series: string): Pick<ChartInput, 'projection'> {
  const p = projections.find((x) => x.series === series);
  if (!p || p.breached) return {};
  return { projection: { label: p.limit.label, p10Ms: p.etaP10Ms, p50Ms: p.etaP50Ms, p90Ms: p.etaP90Ms } };
}

/** The level of an anomalous point's score: the alert severities' scale (see reporter.analysis). */
function scoreLevel(score: number, s: ReportAnalysisSettings): Severity {
  return score >= s.criticalScore ? 'critical' : score >= s.warningScore ? 'warning' : 'info';
}

function severityRank(s: string): number {
  return s === 'critical' ? 2 : s === 'warning' ? 1 : 0;
}
