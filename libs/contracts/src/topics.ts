/**
 * Kafka topic names: defined here once and imported everywhere.
 * A dead-letter topic is always `<topic>.dlq` (see {@link deadLetterTopic}).
 */
export const TOPICS = {
  /** Metric events from collectors, the SDK, replay and Telegraf (JSON or InfluxDB line protocol). */
  metrics: 'tideline.metrics.v1',
  /**
   * Every learned point as the baseline service judged it (`tideline.baseline/3`, binary; `tideline.baseline/2` JSON
   * still read), for the anomaly service.
   */
  baselines: 'tideline.baselines.v1',
  /** Compacted: latest model checkpoint per series, keyed by series id. */
  modelCheckpoints: 'tideline.model-checkpoints.v1',
  /** Compacted: alert lifecycle state per series, keyed by series id. */
  alertState: 'tideline.alert-state.v1',
  /** Alert events (firing / resolved) for subscribers. */
  alerts: 'tideline.alerts.v1',
  /**
   * Line-protocol points InfluxDB refused one by one (a partial write: `max-values-per-tag`, `max-series-per-database`,
   * a field type conflict), each with InfluxDB's reason: the dead-letter topic of the services' InfluxDB writes.
   */
  pointsDeadLetter: 'tideline.points.v1.dlq',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** How a topic is kept; partitions, replication and the retention of non-compacted topics come from the config. */
export interface TopicPolicy {
  /** Compacted (latest record per key) instead of deleted after the retention time. */
  readonly compact: boolean;
  /** Has a `<topic>.dlq` for records its consumers cannot handle. */
  readonly withDeadLetter: boolean;
  /**
   * A pipeline topic whose partitions bound how many instances of a service share its load: created with the config's
   * `kafka.scaleOutPartitions` (default 12) instead of `kafka.partitions`, and grown to it at start.
   */
  readonly scaleOut: boolean;
}

/** Each topic's spec, defined once: every service that creates a topic creates it this way. */
export const TOPIC_POLICIES: Readonly<Record<keyof typeof TOPICS, TopicPolicy>> = {
  metrics: { compact: false, withDeadLetter: true, scaleOut: true },
  baselines: { compact: false, withDeadLetter: true, scaleOut: true },
  modelCheckpoints: { compact: true, withDeadLetter: false, scaleOut: false },
  alertState: { compact: true, withDeadLetter: false, scaleOut: false },
  alerts: { compact: false, withDeadLetter: true, scaleOut: false },
  pointsDeadLetter: { compact: false, withDeadLetter: false, scaleOut: false },
};
