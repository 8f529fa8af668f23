/**
 * InfluxDB measurement names and their layout: written by the services, read by the reporter and by users with
 * InfluxQL. Every measurement carries the tags `series`, `host` and `metric` (plus the event's own tags on `points`).
 */
export const MEASUREMENTS = {
  /** Raw points. Field: `value`. */
  points: 'points',
  /** The baseline band per point. Fields: `expected`, `lower`, `upper`. */
  baseline: 'baseline',
  /** Anomaly score per point. Fields: `score` (0..1), `value`. Tag: `detector`. */
  anomalyScores: 'anomaly_scores',
  /** Alert transitions. Fields: `value`, `expected`, `score`, `id`. Tags: `state`, `severity`. */
  alerts: 'alerts',
  /** Model checkpoints. Field: `state` (base64 snapshot bytes). */
  modelCheckpoints: 'model_checkpoints',
} as const;

/** The default InfluxDB database name (config may override it). */
export const DEFAULT_INFLUX_DATABASE = 'tideline';
