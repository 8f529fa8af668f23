import type { Kafka } from 'kafkajs';
import { ensureTopics, IdempotentProducer, type TopicSpec } from '@tideline/kafka';
import type { EncodedRecord, RecordSink } from '@tideline/sdk/publishing';

/**
 * Sends the collector's records to the metrics topic with libs/kafka's idempotent producer (acks from all in-sync
 * replicas, murmur2 key partitioning). The topic is created on the first send if it does not exist, so a collector
 * started before Kafka only has to wait for it, not be restarted.
 */
export class MetricsTopicSink implements RecordSink {
  private readonly producer: IdempotentProducer;
  private topicReady = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: TopicSpec,
  ) {
    this.producer = new IdempotentProducer(kafka);
  }

  async send(records: readonly EncodedRecord[]): Promise<void> {
    if (!this.topicReady) {
      await ensureTopics(this.kafka, [this.topic]);
      this.topicReady = true;
    }
    await this.producer.send(this.topic.topic, records);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
