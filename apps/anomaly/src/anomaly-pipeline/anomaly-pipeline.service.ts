import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  SELF_MONITORING_INTERVAL_MS,
  SELF_MONITORING_SILENCE_MS,
  compileAlertRules,
  type AnomalyConfig,
} from '@tideline/config';
import {
  SELF_METRIC_PREFIX,
  baselinePointsOf,
  baselineRecordOf,
  decodeBaselineRecords,
  encodeEvent,
  type AlertEvent,
  type BaselinePoint,
} from '@tideline/contracts';
import { BatchWriter, InfluxClient, type RejectedPoint } from '@tideline/influx';
import {
  BatchConsumer,
  CompactedTable,
  DeadLetterPublisher,
  IdempotentProducer,
  ensureTopics,
  tidelineTopicSpec,
  type BatchContext,
  type ConsumedBatch,
  type ConsumedRecord,
  type OutgoingRecord,
} from '@tideline/kafka';
import { BackgroundStart, HealthChecks, SERVICE_CONFIG, lagMonitorOf, publishRejectedPoints } from '@tideline/service';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  AlertDecisionProcessor,
  emptyDecisionOutput,
  type DecisionOutput,
} from '../alert-decision/alert-decision.processor';
import { SeriesLifecycleStore } from '../alert-decision/series-lifecycle.store';
import { silenceResolution } from '../alert-decision/silent-self-series';
import { lifecyclePolicyOf } from '../alert-lifecycle/alert-lifecycle.policy';
import {
  decodeLifecycleRecord,
  encodeLifecycleRecord,
  type AlertLifecycleState,
} from '../alert-lifecycle/alert-lifecycle.state';
import { AnomalyMetrics } from './anomaly.metrics';

/** Bytes of series states per produce call: well under Kafka's default `message.max.bytes` (1 MiB). */
const MAX_STATE_BYTES_PER_SEND = 512 * 1024;

/**
 * The decision stage: consumes the baselines topic in batches (every point as the baseline service judged it, one
 * ordered stream per series: no join, no race, deterministic under replay), advances each series' alert lifecycle
 * under its policy (`alerting` rules), publishes `firing`/`resolved` alerts and writes each to InfluxDB's `alerts`.
 * Runs no model: the band on an alert is the band the baseline service stored for that point. Each lifecycle change
 * is persisted to the compacted alert-state topic in the same produce call as its alert, before the batch's offsets
 * are committed. The one thing it publishes to its own input: calm points that close the alert of a self-monitoring
 * series whose instance went silent ({@link AnomalyPipelineService.resolveSilentSelfSeries}).
 */
@Injectable()
export class AnomalyPipelineService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('anomaly');
  private readonly metrics: AnomalyMetrics;
  private readonly producer: IdempotentProducer;
  private readonly deadLetter: DeadLetterPublisher;
  private readonly own: CompactedTable<AlertLifecycleState>;
  private readonly writer: BatchWriter;
  private readonly store: SeriesLifecycleStore;
  private readonly processor = new AlertDecisionProcessor();
  private consumer: BatchConsumer | undefined;
  private readonly lifecycle: BackgroundStart;
  /** Checks Tideline's own series for silence (see {@link resolveSilentSelfSeries}). */
  private silenceTimer: NodeJS.Timeout | undefined;
  private silenceCheckRunning = false;
  /**
   * Per silent self-monitoring series, the latest point time its calm points were published for, and when: published
   * again only if they have not resolved it within another `SELF_MONITORING_SILENCE_MS` (e.g. they were lost).
   */
  private readonly silencePublished = new Map<string, { readonly lastTs: number; readonly atMs: number }>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AnomalyConfig,
    private readonly kafka: Kafka,
    influx: InfluxClient,
    registry: Registry,
    health: HealthChecks,
  ) {
    const section = config.anomaly;
    this.metrics = new AnomalyMetrics(registry, () => this.store.openIncidents());
    this.producer = new IdempotentProducer(kafka, { maxInFlightRequests: 1 });
    this.deadLetter = new DeadLetterPublisher(this.producer);
    this.own = new CompactedTable(kafka, {
      topic: section.topics.alertState,
      groupIdPrefix: 'tideline-anomaly-alert-state',
      decode: (_key, value) => decodeLifecycleRecord(value),
      isNewer: (current, incoming) => incoming.lastTs >= current.lastTs,
    });
    const rules = compileAlertRules(config.alerting);
    const { criticalScore } = section.lifecycle;
    this.store = new SeriesLifecycleStore(
      this.own,
      (point: BaselinePoint) => lifecyclePolicyOf(rules.resolve(point), criticalScore),
      config.limits,
    );
    // Alert transitions are written in the background (bounded buffer, retried, drops counted): an InfluxDB outage
    // never holds up alerts. Rows InfluxDB refuses (its series limits) are dead-lettered from there too: holding the
    // commit for them would recover nothing (a redelivered point does not move its persisted lifecycle again, so it
    // never rebuilds a row) and would stall the consumer whenever InfluxDB is down.
    this.writer = new BatchWriter(influx, {
      maxBatchPoints: 10_000,
      flushIntervalMs: 1000,
      onRejectedPoints: (points) => this.deadLetterRows(points),
    });
    this.lifecycle = new BackgroundStart(health, {
      name: 'anomaly-pipeline',
      starting: 'loading series states',
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
    const { kafka } = this.config;
    const ensured = await ensureTopics(
      this.kafka,
      [
        tidelineTopicSpec('baselines', topics.baselines, kafka),
        tidelineTopicSpec('alertState', topics.alertState, kafka),
        tidelineTopicSpec('alerts', topics.alerts, kafka),
        tidelineTopicSpec('pointsDeadLetter', topics.pointsDeadLetter, kafka),
      ],
      { growPartitions: true },
    );
    for (const { topic, from, to } of ensured.grown)
      this.logger.warn(`grew ${topic} from ${from} to ${to} partitions (kafka.scaleOutPartitions)`);
    // alerting does not wait for InfluxDB: the writer buffers (and retries) until the database answers
    await this.writer.client
      .ensureDatabase()
      .catch((error: unknown) =>
        this.logger.warn(`InfluxDB not ready, alerts will be recorded once it is: ${String(error)}`),
      );
    await this.producer.connect();
    // State first: deciding must not start before every persisted lifecycle is known, or a restart could fire again.
    await this.own.start();
    this.logger.log(
      `loaded ${this.own.size} series states; consuming ${topics.baselines} as ${this.config.anomaly.consumerGroup}`,
    );
    const consumer = this.createConsumer();
    this.consumer = consumer;
    await consumer.start((batch, context) => this.handle(batch, context));
    this.silenceTimer = setInterval(() => void this.resolveSilentSelfSeries(), SELF_MONITORING_INTERVAL_MS);
    this.silenceTimer.unref();
  }

  private createConsumer(): BatchConsumer {
    const section = this.config.anomaly;
    return new BatchConsumer(this.kafka, {
      groupId: section.consumerGroup,
      topics: [section.topics.baselines],
      fromBeginning: true,
      partitionsConsumedConcurrently: section.partitionsConsumedConcurrently,
      // kafkajs handles a fetch whole before it fetches again, and each batch costs a commit round trip: batches of
      // ~4,000 points (1 MiB) amortise that and still keep ingest-to-alert well under a second on 2 cores. The broker
      // holds a fetch until it has 512 KiB or 50 ms passed, rather than answer each of the baseline service's
      // publishes on its own (bench e2e at 20,000 events/s: 0.7x the batches, 0.85x this service's CPU per event)
      maxBytesPerPartition: 1024 * 1024,
      maxWaitTimeMs: 50,
      minBytes: 512 * 1024,
      deadLetter: this.deadLetter,
      hooks: this.lifecycle.consumerHooks('the baselines consumer'),
      lagMonitor: lagMonitorOf(this.config.health),
    });
  }

  private async stopParts(): Promise<void> {
    clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
    await this.own.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private handle(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    return this.store.partitions.runBatch(batch, async () => {
      const started = performance.now();
      const nowMs = Date.now();
      const out = emptyDecisionOutput();
      const points = this.decide(batch, context, out, nowMs);
      this.store.evictIdle(nowMs);
      const states = this.store.takeChanged(out.changed);
      if (out.alerts.length > 0 || states.length > 0) await this.publish(out.alerts, states);
      if (out.alertLines.length > 0) this.writer.writeLines(out.alertLines);
      this.metrics.events.inc(points);
      this.metrics.batchSeconds.observe((performance.now() - started) / 1000);
      this.updateGauges();
    });
  }

  /** Decodes the batch's judged points (dead-lettering what cannot be) and advances each series' lifecycle. */
  private decide(batch: ConsumedBatch, context: BatchContext, out: DecisionOutput, nowMs: number): number {
    let points = 0;
    for (const record of batch.records) {
      if (record.value === null) {
        this.reject(context, record, 'schema_violation', 'the record has no value');
        continue;
      }
      // one series' judged points, or a bundle of several series' records (each in its own order)
      const decoded = decodeBaselineRecords(record.value);
      if (!decoded.ok) {
        this.reject(context, record, decoded.error.reason, decoded.error.message);
        continue;
      }
      try {
        for (const baselineRecord of decoded.value) {
          const judged = baselinePointsOf(baselineRecord);
          const entry = this.store.entry(batch.partition, judged[0]!, nowMs);
          for (const point of judged) this.processor.process(entry, point, out);
          points += judged.length;
        }
      } catch (error) {
        // One record this service cannot handle must not stop the consumer (and every series behind it).
        const detail = error instanceof Error ? error.message : String(error);
        this.reject(context, record, 'processing_failed', detail.slice(0, 1000));
      }
    }
    return points;
  }

  /**
   * Alerts and the series states that go with them: the alerts with the first states in one produce call (one request
   * per broker), further states in calls of at most {@link MAX_STATE_BYTES_PER_SEND}. All before the offsets are
   * committed.
   */
  private async publish(alerts: readonly AlertEvent[], states: readonly AlertLifecycleState[]): Promise<void> {
    const { topics } = this.config.anomaly;
    const chunks: OutgoingRecord[][] = [[]];
    let bytes = 0;
    for (const state of states) {
      const value = encodeLifecycleRecord(state);
      if (bytes + value.length > MAX_STATE_BYTES_PER_SEND && chunks[chunks.length - 1]!.length > 0) {
        chunks.push([]);
        bytes = 0;
      }
      chunks[chunks.length - 1]!.push({ key: state.series, value });
      bytes += value.length;
    }
    await this.producer.sendBatch([
      { topic: topics.alerts, records: alerts.map((alert) => ({ key: alert.series, value: encodeEvent(alert) })) },
      { topic: topics.alertState, records: chunks[0]! },
    ]);
    for (const chunk of chunks.slice(1)) await this.producer.send(topics.alertState, chunk);
    for (const state of states) this.own.set(state.series, state);
    this.store.published(states);
    for (const alert of alerts) this.metrics.alerts.inc({ state: alert.state, severity: alert.severity });
    this.metrics.statesPersisted.inc(states.length);
  }

  /**
   * Resolves the open alerts of Tideline's own series whose instance went silent (a baseline instance stopped or
   * killed while refusing series sends no calm points): publishes the calm points {@link silenceResolution} derives to
   * the baselines topic, keyed by the series, so that they reach whichever instance owns the series' partition, after
   * any point of it still on its way, and resolve the alert there like any calm points. Every instance checks every
   * such series (the alert-state table holds them all, their latest times persisted with every point); a copy from
   * another instance changes nothing. Never throws: what fails is tried again at the next tick.
   */
  private async resolveSilentSelfSeries(): Promise<void> {
    if (this.silenceCheckRunning) return;
    this.silenceCheckRunning = true;
    try {
      const nowMs = Date.now();
      const records: OutgoingRecord[] = [];
      const silent: { series: string; lastTs: number }[] = [];
      for (const series of this.own.keys()) {
        if (!series.startsWith(SELF_METRIC_PREFIX)) continue;
        const state = this.own.get(series);
        const published = this.silencePublished.get(series);
        if (
          state === undefined ||
          (published?.lastTs === state.lastTs && nowMs - published.atMs < SELF_MONITORING_SILENCE_MS)
        )
          continue;
        const calm = silenceResolution(state, nowMs);
        if (calm === undefined) continue;
        records.push({ key: series, value: encodeEvent(baselineRecordOf(calm)) });
        silent.push({ series, lastTs: state.lastTs });
      }
      if (records.length === 0) return;
      await this.producer.send(this.config.anomaly.topics.baselines, records);
      for (const { series, lastTs } of silent) {
        this.silencePublished.set(series, { lastTs, atMs: nowMs });
        this.logger.warn(
          `${series} has sent nothing since ${new Date(lastTs).toISOString()} (its instance stopped or cannot reach Kafka): resolving its alert`,
        );
      }
    } catch (error) {
      this.logger.warn(`silent self-monitoring series not resolved yet (tried again in a moment): ${String(error)}`);
    } finally {
      this.silenceCheckRunning = false;
    }
  }

  /** `alerts` rows InfluxDB refused, one record each on the points dead-letter topic, with InfluxDB's reason. */
  private async deadLetterRows(points: readonly RejectedPoint[]): Promise<void> {
    await publishRejectedPoints(this.producer, this.config.anomaly.topics.pointsDeadLetter, points);
    for (const point of points) this.metrics.influxPointsRejected.inc({ reason: point.reason });
  }

  private reject(context: BatchContext, record: ConsumedRecord, reason: string, detail: string): void {
    this.metrics.rejected.inc({ reason });
    void context.deadLetter(record, reason, detail);
  }

  private updateGauges(): void {
    this.metrics.series.set(this.store.size);
    const evicted = this.store.partitions.stats();
    this.metrics.seriesEvicted.set({ reason: 'idle' }, evicted.evictedIdle);
    this.metrics.seriesEvicted.set({ reason: 'lru' }, evicted.evictedLru);
    const writer = this.writer.stats();
    this.metrics.alertsNotStored.set(writer.dropped + writer.rejected);
  }
}
