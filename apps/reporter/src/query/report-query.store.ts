import { MEASUREMENTS } from '@tideline/contracts';
import type { StatementResult } from '@tideline/influx';
import type { TrendRows } from '../analysis/limit-projection';
import {
  parseSeriesKey,
  type AlertRecord,
  type AnomalyPoint,
  type BucketedSeries,
  type SeriesId,
} from '../analysis/analysis.types';

/** Per-day mean and max of one series (NaN for days without points). */
export interface DailyStats extends SeriesId {
  readonly mean: Float64Array;
  readonly max: Float64Array;
}

/** A chart's series in buckets: the mean value and the baseline band (NaN for empty buckets). */
export interface ChartSeriesData {
  readonly times: Float64Array;
  readonly value: Float64Array;
  readonly expected: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** The part of the InfluxDB client the reporter uses (`InfluxClient` from @tideline/influx satisfies it). */
export interface InfluxQueryable {
  queryRaw(influxql: string, options?: { readonly database?: string }): Promise<StatementResult[]>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** InfluxQL `time >= …ms AND time < …ms`. */
function timeRange(from: number, until: number): string {
  return `time >= ${Math.floor(from)}ms AND time < ${Math.floor(until)}ms`;
}

/** `GROUP BY time(<bucket>, <offset>)` with the offset that makes buckets start exactly at `from`. */
function timeBuckets(bucketMs: number, from: number): string {
  const offset = ((from % bucketMs) + bucketMs) % bucketMs;
  return `time(${bucketMs}ms, ${offset}ms)`;
}

/** InfluxQL string literal. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function toMs(time: unknown): number {
  if (typeof time === 'number') return time;
  if (typeof time === 'string') return Date.parse(time);
  return Number.NaN;
}

/**
 * Every InfluxQL query of the report. Each one covers **all** series at once (`GROUP BY "series"`), so the number of
 * queries does not grow with the number of hosts or metrics: a report issues about ten. Results are grouped by the
 * `series` tag alone and host/metric are parsed from it (grouping by three tags was 3–4× slower on InfluxDB 1.6).
 */
export class ReportQueryStore {
  /** How many statements ran and how long each took (ms), keyed by name. */
  readonly timings: Record<string, number> = {};

  constructor(
    private readonly influx: InfluxQueryable,
    private readonly database?: string,
  ) {}

  private async run(name: string, influxql: string): Promise<StatementResult> {
    const started = performance.now();
    const results = await this.influx.queryRaw(influxql, this.database ? { database: this.database } : {});
    this.timings[name] = Math.round(performance.now() - started);
    return results[0] ?? { statementId: 0, series: [] };
  }

  /**
   * Mean of `field` per series in buckets of `bucketMs` from `from` to `until` (NaN for empty buckets).
   * `where` narrows the series (e.g. by metric regex).
   */
  async bucketMeans(
    name: string,
    measurement: string,
    field: string,
    from: number,
    until: number,
    bucketMs: number,
    where?: string,
  ): Promise<Map<string, BucketedSeries>> {
    const filter = where ? ` AND ${where}` : '';
    const result = await this.run(
      name,
      `SELECT mean("${field}") FROM "${measurement}" WHERE ${timeRange(from, until)}${filter} ` +
        `GROUP BY ${timeBuckets(bucketMs, from)}, "series" fill(none)`,
    );
    const buckets = Math.ceil((until - from) / bucketMs);
    const out = new Map<string, BucketedSeries>();
    for (const s of result.series) {
      const key = s.tags?.['series'];
      if (key === undefined) continue;
      const times = new Float64Array(buckets);
      for (let i = 0; i < buckets; i++) times[i] = from + i * bucketMs;
      const values = new Float64Array(buckets).fill(Number.NaN);
      for (const row of s.values) {
        const i = Math.floor((toMs(row[0]) - from) / bucketMs);
        const v = row[1];
        if (i >= 0 && i < buckets && typeof v === 'number') values[i] = v;
      }
      out.set(key, { ...parseSeriesKey(key), times, values });
    }
    return out;
  }

  /** Whether any point was stored in `[from, until)` (reads one row at most). */
  async hasPoints(from: number, until: number): Promise<boolean> {
    const result = await this.run(
      'has_points',
      `SELECT "value" FROM "${MEASUREMENTS.points}" WHERE ${timeRange(from, until)} LIMIT 1`,
    );
    return result.series.some((s) => s.values.length > 0);
  }

  /**
   * The time of the first point of each host in `[from, until)`: what a note says a new host started with. One
   * statement for the few hosts asked (`first()` per host, no per-series grouping).
   */
  async firstPointTimes(hosts: readonly string[], from: number, until: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (hosts.length === 0) return out;
    const which = hosts.map((host) => `"host" = ${quoteString(host)}`).join(' OR ');
    const result = await this.run(
      'first_points',
      `SELECT first("value") FROM "${MEASUREMENTS.points}" WHERE ${timeRange(from, until)} AND (${which}) GROUP BY "host"`,
    );
    for (const s of result.series) {
      const host = s.tags?.['host'];
      const time = toMs(s.values[0]?.[0]);
      if (host !== undefined && Number.isFinite(time)) out.set(host, time);
    }
    return out;
  }

  /**
   * Daily mean and max of the raw points per series over `[from, until)`, both weeks in one pass: the week's mean
   * and max follow exactly from them (max of maxima; mean of daily means), and the daily means feed Welch's test.
   */
  async dailyStats(from: number, until: number): Promise<Map<string, DailyStats>> {
    const result = await this.run(
      'daily_mean_max',
      `SELECT mean("value"), max("value") FROM "${MEASUREMENTS.points}" WHERE ${timeRange(from, until)} ` +
        `GROUP BY ${timeBuckets(DAY, from)}, "series" fill(none)`,
    );
    const days = Math.ceil((until - from) / DAY);
    const out = new Map<string, DailyStats>();
    for (const s of result.series) {
      const key = s.tags?.['series'];
      if (key === undefined) continue;
      const mean = new Float64Array(days).fill(Number.NaN);
      const max = new Float64Array(days).fill(Number.NaN);
      for (const row of s.values) {
        const i = Math.floor((toMs(row[0]) - from) / DAY);
        if (i < 0 || i >= days) continue;
        if (typeof row[1] === 'number') mean[i] = row[1];
        if (typeof row[2] === 'number') max[i] = row[2];
      }
      out.set(key, { ...parseSeriesKey(key), mean, max });
    }
    return out;
  }

  /**
   * One aggregate (`max("value")`, `percentile("value", 95)`) per series per period of `periodMs` from `from`:
   * the map holds one value per period (NaN when empty).
   */
  async periodAggregate(
    name: string,
    aggregate: string,
    from: number,
    until: number,
    periodMs: number,
    onlySeries?: readonly string[],
  ): Promise<Map<string, Float64Array>> {
    if (onlySeries && onlySeries.length === 0) return new Map();
    const filter = onlySeries ? ` AND (${onlySeries.map((key) => `"series" = ${quoteString(key)}`).join(' OR ')})` : '';
    const result = await this.run(
      name,
      `SELECT ${aggregate} FROM "${MEASUREMENTS.points}" WHERE ${timeRange(from, until)}${filter} ` +
        `GROUP BY ${timeBuckets(periodMs, from)}, "series" fill(none)`,
    );
    const periods = Math.ceil((until - from) / periodMs);
    const out = new Map<string, Float64Array>();
    for (const s of result.series) {
      const key = s.tags?.['series'];
      if (key === undefined) continue;
      const values = new Float64Array(periods).fill(Number.NaN);
      for (const row of s.values) {
        const i = Math.floor((toMs(row[0]) - from) / periodMs);
        const v = row[1];
        if (i >= 0 && i < periods && typeof v === 'number') values[i] = v;
      }
      out.set(key, values);
    }
    return out;
  }

  /**
   * Anomaly scores at or above `threshold` in `[from, until)`. The `series` tag is selected as a column rather than
   * grouped by: the rows are few, and InfluxDB 1.6 then scans the scores without building one group per series and
   * shard (about 1.6× faster on 50,000 series over a week of daily shards, measured side by side).
   */
  async anomalies(from: number, until: number, threshold: number): Promise<AnomalyPoint[]> {
    const result = await this.run(
      'anomalies',
      `SELECT "score", "value", "series" FROM "${MEASUREMENTS.anomalyScores}" WHERE ${timeRange(from, until)} ` +
        `AND "score" >= ${threshold}`,
    );
    const out: AnomalyPoint[] = [];
    const ids = new Map<string, ReturnType<typeof parseSeriesKey>>();
    for (const s of result.series) {
      const iScore = s.columns.indexOf('score');
      const iValue = s.columns.indexOf('value');
      const iSeries = s.columns.indexOf('series');
      for (const row of s.values) {
        const key = row[iSeries];
        const score = row[iScore];
        if (typeof key !== 'string' || typeof score !== 'number') continue;
        let id = ids.get(key);
        if (!id) ids.set(key, (id = parseSeriesKey(key)));
        const value = row[iValue];
        out.push({ ...id, time: toMs(row[0]), score, value: typeof value === 'number' ? value : Number.NaN });
      }
    }
    // In the order a GROUP BY "series" gave them (series, then time), which the analyses were written against.
    return out.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.time - b.time));
  }

  /**
   * Alert transitions in `[from, until)`: the rows of `alerts` as the anomaly service writes them (libs/contracts
   * `MEASUREMENT_FIELDS.alerts` and `MEASUREMENT_TAGS.alerts`). Grouped by `series`, so the other tags (`host`,
   * `metric`, `state`, `severity`, `detector`) come back as columns beside the fields.
   */
  async alerts(from: number, until: number): Promise<AlertRecord[]> {
    const result = await this.run(
      'alerts',
      `SELECT * FROM "${MEASUREMENTS.alerts}" WHERE ${timeRange(from, until)} GROUP BY "series"`,
    );
    const out: AlertRecord[] = [];
    for (const s of result.series) {
      const key = s.tags?.['series'];
      if (key === undefined) continue;
      const parsed = parseSeriesKey(key);
      const column = (name: string): number => s.columns.indexOf(name);
      const at = {
        id: column('id'),
        state: column('state'),
        severity: column('severity'),
        detector: column('detector'),
        startedAt: column('started_at'),
        score: column('score'),
        value: column('value'),
        expected: column('expected'),
        lower: column('lower'),
        upper: column('upper'),
        host: column('host'),
        metric: column('metric'),
      };
      for (const row of s.values) {
        const state = row[at.state];
        if (state !== 'firing' && state !== 'resolved') continue;
        const text = (i: number): string | undefined => (typeof row[i] === 'string' ? (row[i] as string) : undefined);
        const num = (i: number): number => (typeof row[i] === 'number' ? (row[i] as number) : Number.NaN);
        const severity = row[at.severity];
        out.push({
          series: key,
          host: text(at.host) ?? parsed.host,
          metric: text(at.metric) ?? parsed.metric,
          time: toMs(row[0]),
          id: text(at.id) ?? `${key}@${String(row[0])}`,
          state,
          severity: severity === 'critical' || severity === 'warning' ? severity : 'info',
          detector: text(at.detector) ?? '',
          startedAt: num(at.startedAt),
          score: num(at.score),
          value: num(at.value),
          expected: num(at.expected),
          lower: num(at.lower),
          upper: num(at.upper),
        });
      }
    }
    return out;
  }

  /**
   * The closed trend buckets the baseline service wrote (`trend_buckets`: start, float32 mean, count) of the metrics
   * matching `filter.metricRegex` (or of one series), as stored: no aggregation, at most `(until − from) / bucket
   * width` rows per series.
   */
  async trendSummaryBuckets(
    from: number,
    until: number,
    filter: { readonly metricRegex: string } | { readonly series: string },
  ): Promise<Map<string, TrendRows>> {
    const where =
      'series' in filter
        ? `"series" = ${quoteString(filter.series)}`
        : `"metric" =~ /${filter.metricRegex.replace(/\//g, '\\/')}/`;
    const result = await this.run(
      'projection_buckets',
      `SELECT "mean", "count" FROM "${MEASUREMENTS.trendBuckets}" WHERE ${timeRange(from, until)} AND ${where} ` +
        `GROUP BY "series"`,
    );
    const out = new Map<string, TrendRows>();
    for (const s of result.series) {
      const key = s.tags?.['series'];
      if (key === undefined) continue;
      const rows = s.values.filter((row) => typeof row[1] === 'number' && typeof row[2] === 'number');
      out.set(key, {
        ...parseSeriesKey(key),
        times: Float64Array.from(rows, (row) => toMs(row[0])),
        values: Float64Array.from(rows, (row) => row[1] as number),
        counts: Float64Array.from(rows, (row) => row[2] as number),
      });
    }
    return out;
  }

  /** Hourly (or `bucketMs`) means of the points of the metrics matching `metricRegex`. */
  trendBuckets(
    metricRegex: string,
    from: number,
    until: number,
    bucketMs = HOUR,
  ): Promise<Map<string, BucketedSeries>> {
    return this.bucketMeans(
      'trend_buckets',
      MEASUREMENTS.points,
      'value',
      from,
      until,
      bucketMs,
      `"metric" =~ /${metricRegex.replace(/\//g, '\\/')}/`,
    );
  }

  /** Points and baseline band of a few series, for charts. */
  async chartData(
    series: readonly string[],
    from: number,
    until: number,
    bucketMs: number,
  ): Promise<Map<string, ChartSeriesData>> {
    const out = new Map<string, ChartSeriesData>();
    if (series.length === 0) return out;
    const buckets = Math.ceil((until - from) / bucketMs);
    const empty = (): Float64Array => new Float64Array(buckets).fill(Number.NaN);
    for (const key of series) {
      const times = new Float64Array(buckets);
      for (let i = 0; i < buckets; i++) times[i] = from + i * bucketMs;
      out.set(key, { times, value: empty(), expected: empty(), lower: empty(), upper: empty() });
    }
    const which = series.map((s) => `"series" = ${quoteString(s)}`).join(' OR ');
    const group = `GROUP BY ${timeBuckets(bucketMs, from)}, "series" fill(none)`;
    const [points, band] = await Promise.all([
      this.run(
        'chart_points',
        `SELECT mean("value") FROM "${MEASUREMENTS.points}" WHERE ${timeRange(from, until)} AND (${which}) ${group}`,
      ),
      this.run(
        'chart_baseline',
        `SELECT mean("expected"), mean("lower"), mean("upper") FROM "${MEASUREMENTS.baseline}" ` +
          `WHERE ${timeRange(from, until)} AND (${which}) ${group}`,
      ),
    ]);
    for (const s of points.series) {
      const target = out.get(s.tags?.['series'] ?? '');
      if (!target) continue;
      for (const row of s.values) {
        const i = Math.floor((toMs(row[0]) - from) / bucketMs);
        if (i >= 0 && i < buckets && typeof row[1] === 'number') target.value[i] = row[1];
      }
    }
    for (const s of band.series) {
      const target = out.get(s.tags?.['series'] ?? '');
      if (!target) continue;
      for (const row of s.values) {
        const i = Math.floor((toMs(row[0]) - from) / bucketMs);
        if (i < 0 || i >= buckets) continue;
        if (typeof row[1] === 'number') target.expected[i] = row[1];
        if (typeof row[2] === 'number') target.lower[i] = row[2];
        if (typeof row[3] === 'number') target.upper[i] = row[3];
      }
    }
    return out;
  }
}
