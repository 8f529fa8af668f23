import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { BaselineConfig } from '@tideline/config';
import {
  decodeMetricRecord,
  encodeEvent,
  parseModelCheckpoint,
  seriesKey,
  type BaselineUpdate,
  type ModelCheckpoint,
} from '@tideline/contracts';
import { BatchWriter, InfluxClient } from '@tideline/influx';
import {
  BatchConsumer,
  CompactedTable,
  DeadLetterPublisher,
  IdempotentProducer,
  ensureTopics,
  type BatchContext,
  type ConsumedBatch,
  type ConsumedRecord,
  type OutgoingRecord,
  PartitionContinuity,
} from '@tideline/kafka';
import { BackgroundStart, HealthChecks, SERVICE_CONFIG } from '@tideline/service';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { BaselineProcessor, emptyBaselineOutput } from '../baseline-model/baseline.processor';
import { ModelStore } from '../baseline-model/model.store';
import { createSeriesModelFactory } from '@tideline/stats';
import { BaselineMetrics } from './baseline.metrics';

/** Bytes per produce call: well under Kafka's default `message.max.bytes` (1 MiB). */
const MAX_BYTES_PER_SEND = 512 * 1024;

/**
 * Learns every series' baseline: consumes the metrics topic in batches (consumer group, a series stays on one
 * partition), dead-letters what cannot be decoded, feeds each event to its series' model, and before the batch's
 * offsets are committed: writes the raw points and bands to InfluxDB, publishes each series' latest band to the
 * baselines topic and checkpoints the models that learned to the compacted checkpoint topic. A restart or a partition
 * moving to another instance therefore resumes each model from its checkpoint; points redelivered after the
 * checkpoint are not learned twice (the model skips points not after its latest one).
 */
@Injectable()
export class BaselinePipelineService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('baseline');
  private readonly metrics: BaselineMetrics;
  private readonly producer: IdempotentProducer;
  private readonly deadLetter: DeadLetterPublisher | undefined;
  private consumer: BatchConsumer | undefined;
  private readonly lifecycle: BackgroundStart;
  private readonly checkpoints: CompactedTable<ModelCheckpoint>;
  private readonly writer: BatchWriter;
  private readonly store: ModelStore;
  private readonly processor = new BaselineProcessor();
  private readonly continuity = new PartitionContinuity();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BaselineConfig,
    private readonly kafka: Kafka,
    influx: InfluxClient,
    registry: Registry,
    health: HealthChecks,
  ) {
    const section = config.baseline;
    this.metrics = new BaselineMetrics(registry);
    this.producer = new IdempotentProducer(kafka, { maxInFlightRequests: 1 });
    this.deadLetter = section.deadLetter ? new DeadLetterPublisher(this.producer) : undefined;
    this.checkpoints = new CompactedTable(kafka, {
      topic: section.topics.modelCheckpoints,
      groupIdPrefix: 'tideline-baseline-checkpoints',
      decode: (_key, value) => parseModelCheckpoint(JSON.parse(value.toString('utf8'))),
      isNewer: (current, incoming) => incoming.lastTs >= current.lastTs,
    });
    this.store = new ModelStore(createSeriesModelFactory(), this.checkpoints, section.checkpointIntervalMs);
    this.writer = new BatchWriter(influx, { maxBatchPoints: 10_000, flushIntervalMs: 1000 });
    this.lifecycle = new BackgroundStart(health, {
      name: 'baseline-pipeline',
      starting: 'loading model checkpoints',
      start: () => this.start(),
      stopParts: () => this.stopParts(),
      logger: this.logger,
    });
  }

  /** Starts in the background, retrying until Kafka and InfluxDB answer (see BackgroundStart). */
  onApplicationBootstrap(): void {
    this.lifecycle.begin();
  }

  private async start(): Promise<void> {
    const { topics } = this.config.baseline;
    const { partitions, replicationFactor, retentionMs } = this.config.kafka;
    await ensureTopics(this.kafka, [
      { topic: topics.metrics, partitions, replicationFactor, retentionMs, withDeadLetter: true },
      { topic: topics.baselines, partitions, replicationFactor, retentionMs },
      { topic: topics.modelCheckpoints, partitions, replicationFactor, compact: true },
    ]);
    await this.writer.client.ensureDatabase();
    await this.producer.connect();
    await this.checkpoints.start();
    this.logger.log(
      `loaded ${this.checkpoints.size} model checkpoints; consuming ${topics.metrics} as ${this.config.baseline.consumerGroup}`,
    );
    const consumer = this.createConsumer();
    this.consumer = consumer;
    await consumer.start((batch, context) => this.handle(batch, context));
  }

  private createConsumer(): BatchConsumer {
    const section = this.config.baseline;
    return new BatchConsumer(this.kafka, {
      groupId: section.consumerGroup,
      topics: [section.topics.metrics],
      fromBeginning: true,
      partitionsConsumedConcurrently: section.partitionsConsumedConcurrently,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeMs: 250,
      ...(this.deadLetter ? { deadLetter: this.deadLetter } : {}),
      hooks: this.lifecycle.consumerHooks('the metrics consumer'),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.lifecycle.stop();
    await this.writer.close(5000).catch(() => undefined);
  }

  private async stopParts(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
    await this.checkpoints.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private async handle(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    const started = performance.now();
    const partition = batch.partition;
    if (!this.continuity.continues(partition, batch.firstOffset)) this.store.dropPartition(partition);
    try {
      const nowMs = Date.now();
      const out = emptyBaselineOutput();
      let events = 0;
      for (const record of batch.records) {
        if (record.value === null) {
          this.reject(context, record, 'schema_violation', 'the record has no value');
          continue;
        }
        const decoded = decodeMetricRecord(record.value, { nowMs, recordTimestampMs: Number(record.timestamp) });
        if (decoded.failure !== undefined)
          this.reject(context, record, decoded.failure.reason, decoded.failure.message);
        for (const event of decoded.events) {
          this.processor.process(this.store.entry(partition, seriesKey(event), event, nowMs), event, out);
          events++;
        }
      }
      const checkpoints = this.store.takeCheckpoints(out.learned, nowMs);
      if (out.lines.length > 0) this.writer.writeLines(out.lines);
      const updates = [...out.updates.values()];
      // InfluxDB first in the buffer, then Kafka: both must be acknowledged before the offsets are committed.
      await Promise.all([this.writer.flush(), this.publish(updates, checkpoints)]);
      for (const checkpoint of checkpoints) this.checkpoints.set(checkpoint.series, checkpoint);
      this.continuity.advance(partition, batch.lastOffset);
      this.metrics.events.inc(events);
      this.metrics.checkpoints.inc(checkpoints.length);
      this.metrics.baselineUpdates.inc(updates.length);
      this.metrics.batchSeconds.observe((performance.now() - started) / 1000);
      const stats = this.store.stats();
      this.metrics.series.set(stats.series);
      this.metrics.modelsRestored.set(stats.restored);
      const writer = this.writer.stats();
      this.metrics.influxDropped.set(writer.dropped + writer.rejected);
    } catch (error) {
      this.store.dropPartition(partition);
      this.continuity.forget(partition);
      throw error;
    }
  }

  /**
   * Baseline updates and checkpoints, in produce calls of at most {@link MAX_BYTES_PER_SEND} (a record batch must stay
   * under the broker's `message.max.bytes`; a checkpoint with its model is ~10 KB).
   */
  private async publish(updates: readonly BaselineUpdate[], checkpoints: readonly ModelCheckpoint[]): Promise<void> {
    const { topics } = this.config.baseline;
    const records = [
      ...updates.map((u) => ({
        topic: topics.baselines,
        record: { key: u.series, value: encodeEvent(u) } as OutgoingRecord,
        size: 200,
      })),
      ...checkpoints.map((c) => {
        const value = JSON.stringify(c);
        return {
          topic: topics.modelCheckpoints,
          record: { key: c.series, value } as OutgoingRecord,
          size: value.length,
        };
      }),
    ];
    let chunk: typeof records = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const byTopic = new Map<string, OutgoingRecord[]>();
      for (const { topic, record } of chunk) byTopic.set(topic, [...(byTopic.get(topic) ?? []), record]);
      await this.producer.sendBatch([...byTopic].map(([topic, list]) => ({ topic, records: list })));
      chunk = [];
      bytes = 0;
    };
    for (const item of records) {
      if (bytes + item.size > MAX_BYTES_PER_SEND) await flush();
      chunk.push(item);
      bytes += item.size;
    }
    await flush();
  }

  private reject(context: BatchContext, record: ConsumedRecord, reason: string, detail: string): void {
    this.metrics.deadLettered.inc({ reason });
    if (this.deadLetter !== undefined) void context.deadLetter(record, reason, detail);
  }
}
