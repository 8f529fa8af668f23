/**
 * InfluxDB measurement names and their layout: written by the services, read by the reporter and by users with
 * InfluxQL. Every measurement carries the tags `series`, `host` and `metric` (plus the event's own tags on `points`).
 */
export const MEASUREMENTS = {
  /** Raw points. Field: `value`. */
  points: 'points',
  /** The baseline band per point. Fields: `expected`, `lower`, `upper`. */
  baseline: 'baseline',
  /**
   * Anomaly score per point (per series, the highest of each `baseline.scoreResolutionMs` window). Fields: `score`
   * (0..1), `value`. Tag: `detector`. Written by the baseline service.
   */
  anomalyScores: 'anomaly_scores',
  /**
   * Every alert transition, as published on the alerts topic (same `id`). Fields: `value`, `expected`, `lower`,
   * `upper`, `score`, `id` (string), `started_at` (epoch ms), `tail_probability` (the detector's evidence, when the
   * judged point carried it). Tags: `state` (firing, resolved), `severity`,
   * `detector`. Written by the anomaly service; read by the reporter.
   */
  alerts: 'alerts',
  /**
   * The closed half hours of each projected series' trend summary (libs/stats `TrendBucket`, the series whose metric
   * has a limit in `reporter.limits`), one row per bucket at its start. Fields: `mean` (float32-exact), `count`
   * (points, at most 255). Written by the baseline service when a later point closes the bucket; read by the reporter,
   * which puts at most four weeks of rows into a `TrendSummary` for its projections.
   */
  trendBuckets: 'trend_buckets',
} as const;

/** A measurement's name in InfluxDB. */
export type MeasurementName = (typeof MEASUREMENTS)[keyof typeof MEASUREMENTS];

/** InfluxDB field types as line protocol writes them: `1.5`, `42i`, `"text"`. */
export type InfluxFieldType = 'float' | 'integer' | 'string';

/**
 * The fields of each measurement and their types, exactly as the services write them. A reader (the reporter,
 * dashboards) relies on these names; a writer must not add, drop or retype one without changing this table (InfluxDB
 * refuses a point whose field changes type within a shard).
 */
export const MEASUREMENT_FIELDS = {
  points: { value: 'float' },
  baseline: { expected: 'float', lower: 'float', upper: 'float' },
  anomaly_scores: { score: 'float', value: 'float' },
  alerts: {
    value: 'float',
    expected: 'float',
    lower: 'float',
    upper: 'float',
    score: 'float',
    id: 'string',
    started_at: 'integer',
    tail_probability: 'float',
  },
  trend_buckets: { mean: 'float', count: 'integer' },
} as const satisfies Record<MeasurementName, Readonly<Record<string, InfluxFieldType>>>;

/** The tags on every row of every measurement: the series key, its host and its metric. */
export const SERIES_TAGS = ['series', 'host', 'metric'] as const;

/**
 * The tags of each measurement, exactly as the services write them (`points` also carries each event's own tags,
 * e.g. `mount`, `core`, `service`; the other measurements carry only these).
 */
export const MEASUREMENT_TAGS = {
  points: SERIES_TAGS,
  baseline: SERIES_TAGS,
  anomaly_scores: [...SERIES_TAGS, 'detector'],
  alerts: [...SERIES_TAGS, 'state', 'severity', 'detector'],
  trend_buckets: SERIES_TAGS,
} as const satisfies Record<MeasurementName, readonly string[]>;

/** The default InfluxDB database name (config may override it). */
export const DEFAULT_INFLUX_DATABASE = 'tideline';
