import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, Partitioners, type Producer, type SASLOptions } from 'kafkajs';
import type { EncodedRecord, RecordSink } from './buffered-publisher';

export interface KafkaRecordSinkOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Default `tideline-sdk`. */
  readonly clientId?: string;
  /** TCP connect timeout; default 3000 ms. */
  readonly connectionTimeoutMs?: number;
  /** TLS to the brokers: `true`, or Node's TLS options (e.g. `{ ca: [pem] }` for a private CA). Default plaintext. */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL authentication, e.g. `{ mechanism: 'scram-sha-512', username, password }`. Default none. */
  readonly sasl?: SASLOptions;
}

/**
 * Sends records to one Kafka topic with acks from all in-sync replicas, keyed so a series stays on one partition
 * (kafkajs' default, Java-compatible murmur2 partitioner). kafkajs' own retries are kept short (about 3 s): the
 * {@link BufferedPublisher} in front of it owns the long backoff. After a failure the producer is disconnected and
 * reconnected on the next send, so a broker that comes back is picked up.
 */
export class KafkaRecordSink implements RecordSink {
  private readonly producer: Producer;
  private connected = false;

  constructor(private readonly options: KafkaRecordSinkOptions) {
    const kafka = new Kafka({
      clientId: options.clientId ?? 'tideline-sdk',
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
      ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
    });
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async send(records: readonly EncodedRecord[]): Promise<void> {
    try {
      if (!this.connected) {
        await this.producer.connect();
        this.connected = true;
      }
      await this.producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: records.map((record) => ({ key: record.key, value: record.value })),
      });
    } catch (error) {
      this.connected = false;
      await this.producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
