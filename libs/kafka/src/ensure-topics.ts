import type { Kafka } from 'kafkajs';
import { TOPICS, deadLetterTopic } from '@tideline/contracts';
import type { KafkaSection } from '@tideline/config';

export interface TopicSpec {
  readonly topic: string;
  /** Default 1. */
  readonly partitions?: number;
  /** Default 1. */
  readonly replicationFactor?: number;
  /** `retention.ms`; omit to use the broker default. Ignored by compacted topics unless set explicitly. */
  readonly retentionMs?: number;
  /** `cleanup.policy=compact`: keep the latest record per key. */
  readonly compact?: boolean;
  /** Extra topic configs (`min.insync.replicas`, …). */
  readonly config?: Readonly<Record<string, string>>;
  /** Also create `<topic>.dlq` with the same partitions and retention, not compacted. */
  readonly withDeadLetter?: boolean;
}

export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

/**
 * Creates the topics that do not exist yet, and leaves existing ones alone (idempotent: safe on every start, and
 * safe when two processes race). Partition counts and configs of existing topics are not changed.
 */
export async function ensureTopics(_kafka: Kafka, _specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  throw new Error('not implemented');
}

/** Tideline's own topics from {@link TOPICS}, sized by the `kafka` config section, each with its dead-letter topic. */
export function tidelineTopicSpecs(
  _section: Pick<KafkaSection, 'partitions' | 'replicationFactor' | 'retentionMs'>,
): TopicSpec[] {
  void TOPICS;
  void deadLetterTopic;
  throw new Error('not implemented');
}
