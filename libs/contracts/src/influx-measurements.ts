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
   * `upper`, `score`, `id` (string), `started_at` (epoch ms). Tags: `state` (firing, resolved), `severity`,
   * `detector`. Written by the anomaly service; read by the reporter.
   */
  alerts: 'alerts',
} as const;

/** The default InfluxDB database name (config may override it). */
export const DEFAULT_INFLUX_DATABASE = 'tideline';
