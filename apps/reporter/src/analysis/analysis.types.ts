/** Inputs of the analyses, as the query store returns them (times are epoch ms). */
export interface SeriesId {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
}

export interface AnomalyPoint extends SeriesId {
  readonly time: number;
  readonly score: number;
  readonly value: number;
}

/**
 * One alert transition, a row of InfluxDB's `alerts` as the anomaly service writes it (libs/contracts
 * `MEASUREMENT_FIELDS.alerts`, `MEASUREMENT_TAGS.alerts`). NaN for a number the row lacks.
 */
export interface AlertRecord extends SeriesId {
  /** The transition's event time. */
  readonly time: number;
  /** The alert's id: the same on the alerts topic, one per incident. */
  readonly id: string;
  readonly state: 'firing' | 'resolved';
  readonly severity: 'info' | 'warning' | 'critical';
  readonly detector: string;
  /** The incident's first breaching point (epoch ms). */
  readonly startedAt: number;
  readonly score: number;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
}

/** A regularly bucketed series (bucket start times); NaN marks an empty bucket. */
export interface BucketedSeries extends SeriesId {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/**
 * `metric|host=web-1|k=v` → its parts. The series key layout is the contract's `seriesKey`; the reporter groups
 * InfluxDB results by the `series` tag alone (several times cheaper than grouping by three tags) and derives host
 * and metric from it.
 */
export function parseSeriesKey(series: string): SeriesId {
  const at = series.indexOf('|host=');
  if (at < 0) return { series, host: '', metric: series };
  const rest = series.slice(at + 6);
  const end = rest.indexOf('|');
  return { series, metric: series.slice(0, at), host: end < 0 ? rest : rest.slice(0, end) };
}
