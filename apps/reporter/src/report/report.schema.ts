/**
 * The weekly report as data: what the HTML, the plain text and `GET /reports/:id.json` are rendered from.
 * Times are epoch milliseconds. Bump {@link REPORT_SCHEMA} when a field changes meaning (2: an incident is one alert
 * of the anomaly service, with its id; alert hygiene counts brief alerts instead of alerts outside incidents).
 */
export const REPORT_SCHEMA = 'tideline.report/2' as const;

export type Severity = 'info' | 'warning' | 'critical';

export interface ReportPeriod {
  readonly since: number;
  readonly until: number;
  /** IANA timezone the report's dates and hours are shown in. */
  readonly timezone: string;
}

/** Mean, p95 and max of one series over one week; `undefined` when the series had no points then. */
export interface WeekStats {
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
  /** Days (of the period) with at least one point. */
  readonly daysWithData: number;
}

/** Welch's t-test on the two weeks' daily means (see analysis/welch-t-test.ts for why daily). */
export interface Significance {
  readonly test: 'welch-t-daily-means';
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
  /** `pValue < alpha` and the relative change is at least the configured minimum. */
  readonly significant: boolean;
}

export interface SeriesComparison {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly thisWeek?: WeekStats;
  readonly lastWeek?: WeekStats;
  /** The baseline's mean expected value over this week. */
  readonly baselineMean?: number;
  /** Relative change of the mean against last week (0.1 = +10 %). */
  readonly changeVsLastWeek?: number;
  /** Relative change of the mean against the baseline's expected value. */
  readonly changeVsBaseline?: number;
  readonly significance?: Significance;
}

/** One alert of the anomaly service, from its first breaching point to its resolve. */
export interface Incident {
  /** The alert's id: the same on the alerts topic, in webhooks and in InfluxDB's `alerts`. */
  readonly id: string;
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  /** The detector that raised it (libs/stats detector names). */
  readonly detector: string;
  /** The alert's `started_at`: its first breaching point. */
  readonly start: number;
  /** When it resolved; the period's end while it is {@link open}. */
  readonly end: number;
  readonly durationMs: number;
  /** Still firing at the end of the period. */
  readonly open: boolean;
  /** The highest anomaly score of the alert and of the series' anomalous points during it, and where it was. */
  readonly peak: { readonly series: string; readonly time: number; readonly score: number; readonly value: number };
  /** The alert's severity (the anomaly service's: severity `auto` or the series' rule). */
  readonly severity: Severity;
  /** Points of the series at or above `analysis.anomalyScore` during the incident. */
  readonly anomalousPoints: number;
}

export interface AlertHygieneRow {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly firing: number;
  readonly resolved: number;
  /** Re-fired within the flap window of resolving. */
  readonly flaps: number;
  /** Alerts resolved within `analysis.briefAlertMs` of their start: blips. */
  readonly brief: number;
  readonly medianDurationMs?: number;
}

export interface BaselineShift {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly at: number;
  readonly before: number;
  readonly after: number;
  /** `(after - before) / |before|`. */
  readonly change: number;
  /** Size of the shift in units of the within-segment noise. */
  readonly strength: number;
}

export interface LimitRef {
  readonly kind: 'capacity' | 'slo';
  readonly limit: number;
  readonly label: string;
  /** The config rule that set it, e.g. `reporter.limits[0]`. */
  readonly source: string;
}

export interface Projection {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly limit: LimitRef;
  readonly current: number;
  /** Growth per day (units of the metric). */
  readonly slopePerDay: number;
  /**
   * Time until the limit from the report's end, as an 80 % range around a median: 10 % chance of reaching it before
   * p10, 90 % of having reached it by p90 (Infinity when the slow end never gets there); see libs/stats
   * `TrendSummary.timeUntilLimit`, measured by `tideline bench time-to-limit`.
   */
  readonly etaP10Ms: number;
  readonly etaP50Ms: number;
  readonly etaP90Ms: number;
  readonly method: string;
  /** Already at or over the limit. */
  readonly breached: boolean;
}

export type RecommendationKind = 'capacity' | 'investigate-leak' | 'lower-sensitivity' | 'declare-maintenance';

export interface Recommendation {
  readonly kind: RecommendationKind;
  readonly series?: string;
  readonly host: string;
  readonly metric?: string;
  readonly title: string;
  /** The numbers behind it, ready to print. */
  readonly evidence: string;
  readonly priority: number;
}

/** Something the report could not say, and why. */
export interface DataNote {
  readonly kind:
    'no-data' | 'gaps' | 'new-series' | 'gone-series' | 'invalid-recipient' | 'query-failed' | 'no-baseline';
  readonly message: string;
  readonly series?: readonly string[];
}

export interface ChartRef {
  readonly cid: string;
  readonly file: string;
  readonly series: string;
  readonly title: string;
  readonly reason: string;
}

export interface WeeklyReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly id: string;
  readonly title: string;
  readonly trigger: 'schedule' | 'on-demand' | 'catch-up';
  readonly period: ReportPeriod;
  readonly previous: ReportPeriod;
  readonly generatedAt: number;
  readonly summary: {
    readonly hosts: number;
    readonly series: number;
    readonly seriesWithData: number;
    readonly significantChanges: number;
    readonly incidents: number;
    readonly alertsFired: number;
    readonly projections: number;
    readonly recommendations: number;
  };
  readonly comparisons: readonly SeriesComparison[];
  readonly incidents: readonly Incident[];
  readonly hygiene: readonly AlertHygieneRow[];
  readonly shifts: readonly BaselineShift[];
  readonly projections: readonly Projection[];
  readonly recommendations: readonly Recommendation[];
  readonly notes: readonly DataNote[];
  readonly charts: readonly ChartRef[];
  /** How long each query took, for the benchmark and for operators. */
  readonly timings: Readonly<Record<string, number>>;
}
