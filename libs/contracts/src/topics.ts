/**
 * Kafka topic names: defined here once and imported everywhere.
 * A dead-letter topic is always `<topic>.dlq` (see {@link deadLetterTopic}).
 */
export const TOPICS = {
  /** Metric events from collectors, the SDK, replay and Telegraf (JSON or InfluxDB line protocol). */
  metrics: 'tideline.metrics.v1',
  /** Baseline model updates published by the baseline service for the anomaly service. */
  baselines: 'tideline.baselines.v1',
  /** Compacted: latest model checkpoint per series, keyed by series id. */
  modelCheckpoints: 'tideline.model-checkpoints.v1',
  /** Compacted: alert lifecycle state per series, keyed by series id. */
  alertState: 'tideline.alert-state.v1',
  /** Alert events (firing / resolved) for subscribers. */
  alerts: 'tideline.alerts.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
