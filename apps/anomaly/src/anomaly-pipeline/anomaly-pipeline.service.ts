import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AnomalyConfig } from '@tideline/config';
import {
  decodeMetricRecord,
  encodeEvent,
  parseModelCheckpoint,
  seriesKey,
  type AlertEvent,
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
import type { AlertLifecyclePolicy } from '../alert-lifecycle/alert-lifecycle.policy';
import {
  decodeAnomalySeriesRecord,
  encodeAnomalySeriesRecord,
  type AnomalySeriesRecord,
} from '../alert-lifecycle/alert-lifecycle.state';
import { ScoringProcessor, emptyScoringOutput, takePendingScore } from '../scoring/scoring.processor';
import { SeriesStore } from '../scoring/series.store';
import { createSeriesModelFactory } from '@tideline/stats';
import { AnomalyMetrics } from './anomaly.metrics';

/** Bytes of series states per produce call: well under Kafka's default `message.max.bytes` (1 MiB). */
const MAX_STATE_BYTES_PER_SEND = 512 * 1024;

/**
 * The hot path: consumes the metrics topic in batches (its own consumer group, so it sees every event independently
 * of the baseline service), scores each event against its series' model, advances the series' alert lifecycle and
 * publishes `firing`/`resolved` alerts. Each lifecycle change is persisted (with the series' model) to the compacted
 * alert-state topic in the same produce call as its alert, before the batch's offsets are committed.
 *
 * Why score here rather than join the baseline service's band updates: a join of two topics races (the band for a
 * point may arrive after the point), would put a second hop (and the baseline's InfluxDB writes) on the alert
 * latency path, and would make replay results depend on the relative speed of two services. Both services run the
 * same model on the same stream, so the band on an alert is the band the baseline service writes for that point.
 * A series this service has never persisted starts from the baseline service's latest checkpoint (a warm start).
 */
@Injectable()
export class AnomalyPipelineService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('anomaly');
  private readonly metrics: AnomalyMetrics;
  private readonly producer: IdempotentProducer;
  private readonly deadLetter: DeadLetterPublisher;
  private readonly checkpoints: CompactedTable<ModelCheckpoint>;
  private readonly own: CompactedTable<AnomalySeriesRecord>;
  private readonly writer: BatchWriter;
  private readonly store: SeriesStore;
  private readonly processor: ScoringProcessor;
  private readonly continuity = new PartitionContinuity();
  private consumer: BatchConsumer | undefined;
  private readonly lifecycle: BackgroundStart;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AnomalyConfig,
    private readonly kafka: Kafka,
    influx: InfluxClient,
    registry: Registry,
    health: HealthChecks,
  ) {
    const section = config.anomaly;
    this.metrics = new AnomalyMetrics(registry);
    this.producer = new IdempotentProducer(kafka, { maxInFlightRequests: 1 });
    // Bad input is dead-lettered by the baseline service (`anomaly.deadLetter: false`); a record that decodes but that
    // this service fails to process is dead-lettered here (reason `processing_failed`): nobody else would.
    this.deadLetter = new DeadLetterPublisher(this.producer);
    this.checkpoints = new CompactedTable(kafka, {
      topic: section.topics.modelCheckpoints,
      groupIdPrefix: 'tideline-anomaly-checkpoints',
      decode: (_key, value) => parseModelCheckpoint(JSON.parse(value.toString('utf8'))),
      isNewer: (current, incoming) => incoming.lastTs >= current.lastTs,
    });
    this.own = new CompactedTable(kafka, {
      topic: section.topics.alertState,
      groupIdPrefix: 'tideline-anomaly-alert-state',
      decode: (_key, value) => decodeAnomalySeriesRecord(value),
      isNewer: (current, incoming) => incoming.lifecycle.lastTs >= current.lifecycle.lastTs,
    });
    const { sensitivity, minDurationMs, clearDurationMs, criticalScore } = section.lifecycle;
    const policy: AlertLifecyclePolicy = { alert: { sensitivity, minDurationMs, clearDurationMs }, criticalScore };
    this.store = new SeriesStore(
      createSeriesModelFactory(sensitivity),
      { own: this.own, baseline: this.checkpoints },
      section.modelCheckpointIntervalMs,
    );
    this.processor = new ScoringProcessor({
      policy,
      writeScores: section.writeScores,
      scoreResolutionMs: section.scoreResolutionMs,
    });
    this.writer = new BatchWriter(influx, { maxBatchPoints: 10_000, flushIntervalMs: 1000 });
    this.lifecycle = new BackgroundStart(health, {
      name: 'anomaly-pipeline',
      starting: 'loading model checkpoints and series states',
      start: () => this.start(),
      stopParts: () => this.stopParts(),
      logger: this.logger,
    });
  }

  /** Starts in the background, retrying until Kafka and InfluxDB answer (see BackgroundStart). */
  onApplicationBootstrap(): void {
    this.lifecycle.begin();
  }

  async onModuleDestroy(): Promise<void> {
    await this.lifecycle.stop();
    await this.writer.close(5000).catch(() => undefined);
  }

  private async start(): Promise<void> {
    const { topics } = this.config.anomaly;
    const { partitions, replicationFactor, retentionMs } = this.config.kafka;
    await ensureTopics(this.kafka, [
      { topic: topics.metrics, partitions, replicationFactor, retentionMs, withDeadLetter: true },
      { topic: topics.modelCheckpoints, partitions, replicationFactor, compact: true },
      { topic: topics.alertState, partitions, replicationFactor, compact: true },
      { topic: topics.alerts, partitions, replicationFactor, retentionMs, withDeadLetter: true },
    ]);
    await this.writer.client.ensureDatabase();
    await this.producer.connect();
    // State first: scoring must not start before every persisted lifecycle is known, or a restart could fire again.
    await Promise.all([this.checkpoints.start(), this.own.start()]);
    this.logger.log(
      `loaded ${this.own.size} series states and ${this.checkpoints.size} baseline checkpoints; consuming ${topics.metrics} as ${this.config.anomaly.consumerGroup}`,
    );
    const consumer = this.createConsumer();
    this.consumer = consumer;
    await consumer.start((batch, context) => this.handle(batch, context));
  }

  private createConsumer(): BatchConsumer {
    const section = this.config.anomaly;
    return new BatchConsumer(this.kafka, {
      groupId: section.consumerGroup,
      topics: [section.topics.metrics],
      fromBeginning: true,
      partitionsConsumedConcurrently: section.partitionsConsumedConcurrently,
      // kafkajs handles a fetch whole before it fetches again, and each batch costs a commit round trip: batches of
      // ~9,000 events (1 MiB) amortise that and still keep ingest-to-alert well under a second on 2 cores
      maxBytesPerPartition: 1024 * 1024,
      maxWaitTimeMs: 50,
      deadLetter: this.deadLetter,
      hooks: this.lifecycle.consumerHooks('the metrics consumer'),
    });
  }

  private async stopParts(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
    // what was learned since the last snapshots, persisted now that every handled batch is committed
    if (consumer !== undefined && this.lifecycle.started) {
      const lines: string[] = [];
      for (const entry of this.store.all()) takePendingScore(entry, lines);
      if (lines.length > 0) this.writer.writeLines(lines);
      const records = this.store.takeRecords(this.store.all(), Date.now(), 0);
      await this.publish([], records).catch((error: unknown) =>
        this.logger.warn(`could not persist ${records.length} series states on shutdown: ${String(error)}`),
      );
    }
    await Promise.all([this.checkpoints.stop(), this.own.stop()]).catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private async handle(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    const started = performance.now();
    const partition = batch.partition;
    // A batch that does not continue the last one (restart, redelivery, partition back from another instance):
    // the working state of its series may be ahead of what is persisted, so reload it.
    if (!this.continuity.continues(partition, batch.firstOffset)) this.store.dropPartition(partition);
    try {
      const nowMs = Date.now();
      const out = emptyScoringOutput();
      let events = 0;
      for (const record of batch.records) {
        if (record.value === null) {
          this.reject(context, record, 'schema_violation', 'the record has no value');
          continue;
        }
        try {
          const decoded = decodeMetricRecord(record.value, { nowMs, recordTimestampMs: Number(record.timestamp) });
          if (decoded.failure !== undefined)
            this.reject(context, record, decoded.failure.reason, decoded.failure.message);
          for (const event of decoded.events) {
            this.processor.process(this.store.entry(partition, seriesKey(event), event, nowMs), event, out);
            events++;
          }
        } catch (error) {
          // One record this service cannot handle must not stop the consumer (and every series behind it).
          const detail = error instanceof Error ? error.message : String(error);
          this.reject(context, record, 'processing_failed', detail.slice(0, 1000), true);
        }
      }
      const modelOnly: AnomalySeriesRecord[] = [];
      const records = this.store.takeRecords(out.touched, nowMs, undefined, modelOnly);
      if (out.alerts.length > 0 || records.length > 0) await this.publish(out.alerts, records);
      // Periodic model snapshots stay off the hot path: sent in order behind everything above, not awaited.
      if (modelOnly.length > 0) {
        this.publish([], modelOnly).catch((error: unknown) => {
          this.metrics.snapshotFailures.inc(modelOnly.length);
          this.logger.warn(`model snapshots not persisted (an older one will be resumed): ${String(error)}`);
        });
      }
      // Scores are best effort (bounded buffer, drops counted): an InfluxDB outage never holds up alerts.
      if (out.scoreLines.length > 0) this.writer.writeLines(out.scoreLines);
      this.continuity.advance(partition, batch.lastOffset);
      this.metrics.events.inc(events);
      this.metrics.batchSeconds.observe((performance.now() - started) / 1000);
      this.updateGauges();
    } catch (error) {
      // Nothing of this batch is persisted: forget the working state so the retry starts from what is.
      this.store.dropPartition(partition);
      this.continuity.forget(partition);
      throw error;
    }
  }

  /**
   * Alerts and the series states that go with them: the alerts with the first states in one produce call (one request
   * per broker), further states in calls of at most {@link MAX_STATE_BYTES_PER_SEND} (a record batch must stay under
   * the broker's `message.max.bytes`, and a state with its model is ~10 KB). All before the offsets are committed.
   */
  private async publish(alerts: readonly AlertEvent[], records: readonly AnomalySeriesRecord[]): Promise<void> {
    if (alerts.length === 0 && records.length === 0) return;
    const { topics } = this.config.anomaly;
    const chunks: OutgoingRecord[][] = [[]];
    let bytes = 0;
    for (const record of records) {
      const value = encodeAnomalySeriesRecord(record);
      if (bytes + value.length > MAX_STATE_BYTES_PER_SEND && chunks[chunks.length - 1]!.length > 0) {
        chunks.push([]);
        bytes = 0;
      }
      chunks[chunks.length - 1]!.push({ key: record.lifecycle.series, value });
      bytes += value.length;
    }
    await this.producer.sendBatch([
      { topic: topics.alerts, records: alerts.map((alert) => ({ key: alert.series, value: encodeEvent(alert) })) },
      { topic: topics.alertState, records: chunks[0]! },
    ]);
    for (const chunk of chunks.slice(1)) await this.producer.send(topics.alertState, chunk);
    for (const record of records) this.own.set(record.lifecycle.series, record);
    for (const alert of alerts) this.metrics.alerts.inc({ state: alert.state, severity: alert.severity });
    this.metrics.statesPersisted.inc(records.length);
  }

  private reject(context: BatchContext, record: ConsumedRecord, reason: string, detail: string, always = false): void {
    this.metrics.rejected.inc({ reason });
    if (always || this.config.anomaly.deadLetter) void context.deadLetter(record, reason, detail);
  }

  private updateGauges(): void {
    const stats = this.store.stats();
    this.metrics.series.set(stats.series);
    this.metrics.modelsStarted.set({ from: 'own' }, stats.resumedModels);
    this.metrics.modelsStarted.set({ from: 'baseline' }, stats.restoredFromBaseline);
    this.metrics.modelsStarted.set({ from: 'new' }, stats.newModels);
    this.metrics.openIncidents.set(this.store.openIncidents());
    const writer = this.writer.stats();
    this.metrics.scoresDropped.set(writer.dropped + writer.rejected);
  }
}
