import { CompressionTypes, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { toBuffer, type OutgoingRecord } from './kafka-record';
import { keyPartitioner } from './key-partitioner';

export interface IdempotentProducerOptions {
  /** kafkajs `maxInFlightRequests`; default 1 (strict order even across retries). */
  readonly maxInFlightRequests?: number;
  /** Compression of batches; default none. */
  readonly compression?: 'none' | 'gzip';
  /** Request timeout waiting for acks, ms; default 30000. */
  readonly timeoutMs?: number;
}

export interface ProducerStats {
  readonly sends: number;
  readonly records: number;
  readonly errors: number;
}

/**
 * kafkajs 2.2.4 groups a send's messages per partition by copying the partition's array for each message
 * (`groupMessagesPerPartition`), quadratic in the send size: 2,000 records to 3 partitions copy ~0.7 M references and
 * make as much garbage. Larger sends are split into requests of at most this many records per topic. (kafkajs loads
 * that module with its own index, before any of our code could replace it, unlike the modules `createKafka` fixes.)
 */
export const MAX_MESSAGES_PER_TOPIC_PER_SEND = 500;

function toMessage(record: OutgoingRecord): Message {
  const message: Message = {
    key: record.key === null ? null : toBuffer(record.key),
    value: record.value === null ? null : toBuffer(record.value),
  };
  if (record.headers) message.headers = { ...record.headers };
  if (record.partition !== undefined) message.partition = record.partition;
  if (record.timestamp !== undefined) message.timestamp = record.timestamp;
  return message;
}

/**
 * A producer with `idempotent: true` and `acks: -1` (all in-sync replicas): a retried send never duplicates or
 * reorders records within a partition. Keys are partitioned with the Java client's murmur2 partitioner, so a key
 * lands on the same partition whichever client wrote it. One instance per process is enough; concurrent `send`s are
 * safe. kafkajs retries an idempotent send for as long as the broker is unreachable; `disconnect` ends that.
 */
export class IdempotentProducer {
  private readonly producer: Producer;
  private counters = { sends: 0, records: 0, errors: 0 };
  private connected: Promise<void> | undefined;

  constructor(
    readonly kafka: Kafka,
    readonly options: IdempotentProducerOptions = {},
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: options.maxInFlightRequests ?? 1,
      createPartitioner: keyPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  /** Connects once; later calls return the same promise. */
  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  /** Sends records to one topic; resolves when all are acknowledged by all in-sync replicas. */
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    return this.sendBatch([{ topic, records }]);
  }

  /**
   * Sends records to several topics in one request per broker; more than {@link MAX_MESSAGES_PER_TOPIC_PER_SEND} of
   * one topic go in successive requests, in order.
   */
  async sendBatch(
    batches: readonly { readonly topic: string; readonly records: readonly OutgoingRecord[] }[],
  ): Promise<RecordMetadata[]> {
    const nonEmpty = batches.filter((batch) => batch.records.length > 0);
    if (nonEmpty.length === 0) return [];
    const largest = Math.max(...nonEmpty.map((batch) => batch.records.length));
    if (largest <= MAX_MESSAGES_PER_TOPIC_PER_SEND) {
      return this.sendOnce(nonEmpty.map((batch) => ({ topic: batch.topic, messages: batch.records.map(toMessage) })));
    }
    const metadata: RecordMetadata[] = [];
    for (let start = 0; start < largest; start += MAX_MESSAGES_PER_TOPIC_PER_SEND) {
      const end = start + MAX_MESSAGES_PER_TOPIC_PER_SEND;
      const part = nonEmpty
        .filter((batch) => batch.records.length > start)
        .map((batch) => ({ topic: batch.topic, messages: batch.records.slice(start, end).map(toMessage) }));
      metadata.push(...(await this.sendOnce(part)));
    }
    return metadata;
  }

  private async sendOnce(topicMessages: { topic: string; messages: Message[] }[]): Promise<RecordMetadata[]> {
    await this.connect();
    const count = topicMessages.reduce((sum, batch) => sum + batch.messages.length, 0);
    try {
      const metadata = await this.producer.sendBatch({
        topicMessages,
        acks: -1,
        timeout: this.options.timeoutMs ?? 30_000,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      });
      this.counters.sends++;
      this.counters.records += count;
      return metadata;
    } catch (error) {
      this.counters.errors++;
      throw error;
    }
  }

  stats(): ProducerStats {
    return { ...this.counters };
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    await this.producer.disconnect();
  }
}
