import type { Admin, Kafka, ITopicConfig } from 'kafkajs';
import { TOPICS, TOPIC_POLICIES, deadLetterTopic } from '@tideline/contracts';
import type { KafkaSection } from '@tideline/config';
import { TidelineError, retry } from '@tideline/errors';

export interface TopicSpec {
  readonly topic: string;
  /** Default 1. */
  readonly partitions?: number;
  /** Default 1. */
  readonly replicationFactor?: number;
  /** `retention.ms`; omit to use the broker default. */
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
  /** Existing topics given more partitions (`growPartitions`), with the count they had. */
  readonly grown: readonly { readonly topic: string; readonly from: number; readonly to: number }[];
}

export interface EnsureTopicsOptions {
  /**
   * Adds partitions to an existing topic that has fewer than its spec (Kafka can add partitions, never remove them).
   * Keys then map to other partitions for new records: a series' older records stay on its old partition, so the
   * consumers of that topic must tolerate a series moving once (Tideline's stages reload its state on the move).
   * Default false: existing topics are left alone.
   */
  readonly growPartitions?: boolean;
}

function expand(specs: readonly TopicSpec[]): TopicSpec[] {
  const all: TopicSpec[] = [];
  for (const spec of specs) {
    all.push(spec);
    if (spec.withDeadLetter) {
      all.push({
        topic: deadLetterTopic(spec.topic),
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        retentionMs: spec.retentionMs,
      });
    }
  }
  return all;
}

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  const configEntries: { name: string; value: string }[] = [
    { name: 'cleanup.policy', value: spec.compact ? 'compact' : 'delete' },
  ];
  if (spec.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  for (const [name, value] of Object.entries(spec.config ?? {})) configEntries.push({ name, value });
  return {
    topic: spec.topic,
    numPartitions: spec.partitions ?? 1,
    replicationFactor: spec.replicationFactor ?? 1,
    configEntries,
  };
}

/**
 * Creates the topics that do not exist yet, and leaves existing ones alone (idempotent: safe on every start, and
 * safe when two processes race). Partition counts and configs of existing topics are not changed. Resolves once the
 * new topics have leaders.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const wanted = expand(specs);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const before = new Set(await admin.listTopics());
    const missing = wanted.filter((spec) => !before.has(spec.topic));
    if (missing.length > 0) {
      // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers for a moment
      // after creating a topic: wait for the leaders ourselves. A topic another process created first is fine
      // (kafkajs resolves false when every topic already existed).
      await admin.createTopics({ topics: missing.map(toTopicConfig), waitForLeaders: false });
      await retry(
        async () => {
          const metadata = await admin.fetchTopicMetadata({ topics: missing.map((spec) => spec.topic) });
          const leaderless = metadata.topics.filter(
            (topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0),
          );
          if (leaderless.length > 0) {
            throw new TidelineError(`topics without leaders yet: ${leaderless.map((t) => t.name).join(', ')}`, {
              retriable: true,
            });
          }
        },
        { policy: { initialDelayMs: 50, maxDelayMs: 1000, maxRetries: Infinity, deadlineMs: 30_000 } },
      );
    }
    const missingNames = new Set(missing.map((spec) => spec.topic));
    const grown = options.growPartitions
      ? await growPartitions(
          admin,
          wanted.filter((spec) => !missingNames.has(spec.topic)),
        )
      : [];
    return {
      grown,
      created: wanted.filter((spec) => missingNames.has(spec.topic)).map((spec) => spec.topic),
      existing: wanted.filter((spec) => !missingNames.has(spec.topic)).map((spec) => spec.topic),
    };
  } finally {
    await admin.disconnect();
  }
}

/** The topic's partition count, from the broker's metadata (the topic must exist). */
export async function topicPartitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
    if (count === 0) throw new TidelineError(`topic ${topic} has no partitions yet`, { retriable: true });
    return count;
  } finally {
    await admin.disconnect();
  }
}

/** Gives each existing topic at least its spec's partitions; returns those it grew. */
async function growPartitions(
  admin: Admin,
  existing: readonly TopicSpec[],
): Promise<{ topic: string; from: number; to: number }[]> {
  if (existing.length === 0) return [];
  const metadata = await admin.fetchTopicMetadata({ topics: existing.map((spec) => spec.topic) });
  const counts = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  const grow = existing
    .map((spec) => ({ topic: spec.topic, from: counts.get(spec.topic) ?? 0, to: spec.partitions ?? 1 }))
    .filter((g) => g.from > 0 && g.from < g.to);
  if (grow.length === 0) return [];
  try {
    await admin.createPartitions({ topicPartitions: grow.map((g) => ({ topic: g.topic, count: g.to })) });
  } catch (error) {
    // another instance grew it first (INVALID_PARTITIONS: the topic already has that many): fine if it did
    const after = await admin.fetchTopicMetadata({ topics: grow.map((g) => g.topic) });
    const short = after.topics.filter((t) => t.partitions.length < (grow.find((g) => g.topic === t.name)?.to ?? 0));
    if (short.length > 0)
      throw new TidelineError(
        `could not grow ${short.map((t) => `${t.name} (${t.partitions.length} partitions)`).join(', ')}: ${String(error)}`,
        { retriable: true, cause: error },
      );
  }
  return grow;
}

/**
 * The spec of one of Tideline's topics (its role in {@link TOPICS}, under the name the config gives it): compaction and
 * dead-letter topic from {@link TOPIC_POLICIES}, sized by the `kafka` config section (`scaleOutPartitions` for the
 * pipeline topics, `partitions` for the others); non-compacted topics are deleted after `retentionMs`.
 */
export function tidelineTopicSpec(
  role: keyof typeof TOPICS,
  topic: string,
  section: Pick<KafkaSection, 'partitions' | 'scaleOutPartitions' | 'replicationFactor' | 'retentionMs'>,
): TopicSpec {
  const policy = TOPIC_POLICIES[role];
  return {
    topic,
    partitions: policy.scaleOut ? section.scaleOutPartitions : section.partitions,
    replicationFactor: section.replicationFactor,
    compact: policy.compact,
    withDeadLetter: policy.withDeadLetter,
    ...(policy.compact ? {} : { retentionMs: section.retentionMs }),
  };
}
