import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { BaselineConfig } from '@tideline/config';
import {
  LIMITS,
  SELF_METRIC_PREFIX,
  decodeMetricRecord,
  encodeEvent,
  parseModelCheckpoint,
  encodeSeriesNames,
  packBaselineRecords,
  SeriesKeyMemo,
  type BaselineColumns,
  type BaselineRecordSource,
  type MetricEvent,
  type ModelCheckpoint,
} from '@tideline/contracts';
import { BatchWriter, InfluxClient, LineBytes, type RejectedPoint } from '@tideline/influx';
import {
  BatchConsumer,
  CompactedTable,
  DeadLetterPublisher,
  IdempotentProducer,
  SqliteTableStore,
  ensureTopics,
  partitionOfKey,
  tidelineTopicSpec,
  topicPartitionCount,
  type BatchContext,
  type ConsumedBatch,
  type ConsumedRecord,
  type OutgoingRecord,
} from '@tideline/kafka';
import { BackgroundStart, HealthChecks, SERVICE_CONFIG, lagMonitorOf, publishRejectedPoints } from '@tideline/service';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  BaselineProcessor,
  emptyBaselineOutput,
  takePendingScore,
  type BaselineOutput,
} from '../baseline-model/baseline.processor';
import { ModelStore, type ModelEntry, type SeriesRefusal } from '../baseline-model/model.store';
import { CardinalityMonitor } from '../baseline-model/self-monitoring';
import { SeriesPolicies } from '../baseline-model/series-policies';
import { BaselineMetrics } from './baseline.metrics';

/**
 * Lines buffered for InfluxDB above which a batch waits until the buffer is down to half this (it holds twice this:
 * room for the batches of the other partitions judged meanwhile).
 */
const INFLUX_BACKPRESSURE_POINTS = 200_000;

/** Longest the shutdown snapshot may take (see `shutdownSnapshot`): well within the 10 s shutdown budget. */
const SHUTDOWN_SNAPSHOT_MS = 4000;

/** Bytes per produce call: well under Kafka's default `message.max.bytes` (1 MiB). */
const MAX_BYTES_PER_SEND = 512 * 1024;

/**
 * The model stage, the only place a series' model runs: consumes the metrics topic in batches (consumer group, a
 * series stays on one partition), dead-letters what cannot be decoded, scores each event against its series' model
 * before learning it, and before the batch's offsets are committed: publishes every judged point to the baselines
 * topic (the anomaly service decides on those), writes the raw points, bands and scores to InfluxDB, and checkpoints
 * the models that learned to the compacted checkpoint topic. A restart or a partition moving to another instance
 * resumes each model from its checkpoint; points redelivered after the checkpoint are not learned twice (the model
 * skips points not after its latest one), so the baselines topic carries each point's verdict once per learning.
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
  /** The InfluxDB lines of the batch being judged (one writer for every batch: see {@link emptyBaselineOutput}). */
  private readonly lines = new LineBytes();
  private readonly store: ModelStore;
  private readonly processor: BaselineProcessor;
  /** The self-monitoring series of the series caps' refusals (judged points on the baselines topic). */
  private readonly cardinality: CardinalityMonitor;
  private refusedSeries = 0;
  private readonly seriesKeys = new SeriesKeyMemo();
  private catchUp: { readonly generation: number; readonly done: Promise<void> } | undefined;
  /**
   * Partitions of the baselines topic, read before the first batch after each group join (another instance that grew
   * the topic at its start has joined the group by then): a bundle goes to the partition its series' keys give.
   */
  private baselinesPartitions = 0;

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
    const decodeCheckpoint = (_key: string, value: Buffer) => parseModelCheckpoint(JSON.parse(value.toString('utf8')));
    this.checkpoints = new CompactedTable(kafka, {
      topic: section.topics.modelCheckpoints,
      groupIdPrefix: 'tideline-baseline-checkpoints',
      decode: decodeCheckpoint,
      isNewer: (current, incoming) => incoming.lastTs >= current.lastTs,
      // on disk: a checkpoint per series ever seen, which in memory grew the service without bound
      // (docs/operations.md, Limits)
      store: new SqliteTableStore({
        ...(section.checkpointTableDir !== undefined ? { parentDir: section.checkpointTableDir } : {}),
        decode: decodeCheckpoint,
        encode: (checkpoint) => Buffer.from(JSON.stringify(checkpoint)),
      }),
    });
    const policies = new SeriesPolicies(config.alerting, config.reporter.limits);
    this.store = new ModelStore(
      (event) => policies.modelsFor(event),
      this.checkpoints,
      section.checkpointIntervalMs,
      Math.random,
      config.limits,
      (event) => policies.keepsTrend(event),
    );
    this.processor = new BaselineProcessor({
      writeScores: section.writeScores,
      scoreResolutionMs: section.scoreResolutionMs,
    });
    this.writer = new BatchWriter(influx, {
      maxBatchPoints: 10_000,
      flushIntervalMs: 1000,
      maxBufferedPoints: 2 * INFLUX_BACKPRESSURE_POINTS,
      // one request at a time capped the writes at one round trip each: at 60,000 events/s a stream that fell behind
      // stayed behind, waiting on InfluxDB (docs/metrics-to-alerts.md, "Two InfluxDB writes at a time")
      maxConcurrentBatches: 2,
      // before the batch's offsets are committed: the points InfluxDB refuses (its series limits) are dead-lettered
      onRejectedPoints: (points) => this.deadLetterPoints(points),
    });
    this.cardinality = new CardinalityMonitor({
      service: 'baseline',
      consumerGroup: section.consumerGroup,
      publish: async (record) => {
        await this.producer.send(section.topics.baselines, [{ key: record.series, value: encodeEvent(record) }]);
      },
      onError: (error) => this.logger.warn(`self-monitoring point not published (retried): ${String(error)}`),
    });
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
    const { kafka } = this.config;
    const ensured = await ensureTopics(
      this.kafka,
      [
        tidelineTopicSpec('metrics', topics.metrics, kafka),
        tidelineTopicSpec('baselines', topics.baselines, kafka),
        tidelineTopicSpec('modelCheckpoints', topics.modelCheckpoints, kafka),
        tidelineTopicSpec('pointsDeadLetter', topics.pointsDeadLetter, kafka),
      ],
      { growPartitions: true },
    );
    for (const { topic, from, to } of ensured.grown)
      this.logger.warn(`grew ${topic} from ${from} to ${to} partitions (kafka.scaleOutPartitions)`);
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
      // A steady stream comes in batches of 200 ms: the broker holds a fetch until it has 2 MiB (over 200 ms of the
      // stream below ~90,000 events/s) or 200 ms passed. Per batch, every series with points in it gets a judged-point
      // record (its names, a header) and the batch a fetch, a publish and a commit, so the CPU per event falls as
      // batches grow: at 40,000 events/s over 2,000 series, holding out for 256 KiB (~50 ms, about one point per series
      // per batch) cost 1.4x the CPU per event of 200 ms batches (bench e2e, docs/metrics-to-alerts.md), for ~130 ms
      // less ingest-to-alert latency. Shorter waits cost more still at low rates (at 2,000 events/s, 50 ms spent 40 %
      // more than 200 ms). A backlog comes in batches of up to 4 MiB per partition: at least minBytes, since the broker
      // counts at most that much of each partition towards minBytes (a single partition must be able to fill a fetch).
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeMs: 200,
      minBytes: 2 * 1024 * 1024,
      ...(this.deadLetter ? { deadLetter: this.deadLetter } : {}),
      hooks: this.lifecycle.consumerHooks('the metrics consumer'),
      lagMonitor: lagMonitorOf(this.config.health),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.lifecycle.stop();
    // before the writer's wait: a shutdown that runs out of its budget still removes the table's file
    await this.checkpoints.close().catch(() => undefined);
    await this.writer.close(5000).catch(() => undefined);
  }

  private async stopParts(): Promise<void> {
    this.cardinality.stop();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
    // the scores still waiting for their window to close
    if (consumer !== undefined && this.lifecycle.started) {
      for (const entry of this.store.all()) takePendingScore(entry, this.lines);
      this.writer.writeChunk(this.lines.take());
      await this.shutdownSnapshot().catch((error: unknown) =>
        this.logger.warn(`shutdown snapshot incomplete: ${String(error)}`),
      );
    }
    await this.checkpoints.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  /**
   * Checkpoints the models that learned since their last checkpoint (with `checkpointIntervalMs` > 0), once the
   * consumer has stopped, for at most {@link SHUTDOWN_SNAPSHOT_MS} (the service's shutdown budget is 10 s): a model
   * not reached in time resumes from its previous checkpoint, as after a crash.
   */
  private async shutdownSnapshot(): Promise<void> {
    const started = Date.now();
    const deadline = started + SHUTDOWN_SNAPSHOT_MS;
    const evicted = this.store.takeEvicted().checkpoints;
    let written = 0;
    let chunk = [...evicted];
    for (const entry of this.store.all()) {
      if (Date.now() > deadline) break;
      if (!entry.dirty) continue;
      chunk.push(...this.store.takeCheckpoints([entry], started, 0));
      if (chunk.length >= 40) {
        await this.publish(new Map(), chunk);
        written += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0 && Date.now() <= deadline) {
      await this.publish(new Map(), chunk);
      written += chunk.length;
    }
    let left = 0;
    for (const entry of this.store.all()) if (entry.dirty) left++;
    this.logger.log(
      `shutdown snapshot: ${written} checkpoints in ${Date.now() - started} ms` +
        (left > 0 ? `; ${left} models left to resume from their previous checkpoint` : ''),
    );
  }

  /**
   * After each group join, the first batches wait until the checkpoint table has read every checkpoint written so far:
   * an instance that takes over partitions then resumes their series from the last checkpoints of the instance it
   * replaces (killed or gone), instead of starting some afresh because their records were still on their way. They
   * also wait for the baselines topic's partition count, read again.
   */
  private tableCaughtUp(): Promise<void> {
    const generation = this.consumer?.assignmentGeneration ?? 0;
    if (this.catchUp?.generation !== generation) {
      const started = Date.now();
      const partitions = topicPartitionCount(this.kafka, this.config.baseline.topics.baselines).then(
        (count) => void (this.baselinesPartitions = count),
      );
      const done = Promise.all([this.checkpoints.catchUp(), partitions]).then(
        ([caughtUp]) => {
          if (!caughtUp)
            this.logger.warn(
              `the checkpoint table did not catch up within ${Date.now() - started} ms after a rebalance: series taken over meanwhile may start from an older checkpoint`,
            );
        },
        (error: unknown) => {
          this.catchUp = undefined; // the batch fails and is retried, and with it the catch-up
          throw error;
        },
      );
      this.catchUp = { generation, done };
    }
    return this.catchUp.done;
  }

  private handle(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    return this.store.partitions.runBatch(batch, async () => {
      await this.tableCaughtUp();
      const started = performance.now();
      const nowMs = Date.now();
      // (cleared: an earlier attempt that threw may have left lines of points it did not finish)
      const out = emptyBaselineOutput(this.lines.clear());
      const events = this.judge(batch, context, nowMs, out);
      this.store.evictIdle(nowMs);
      // checkpoints of models that left memory first: a series evicted and reloaded in this batch has both, in order
      const evicted = this.store.takeEvicted();
      const checkpoints = [...evicted.checkpoints, ...this.store.takeCheckpoints(out.learned, nowMs)];
      this.writer.writeChunk(out.lines.take());
      this.writer.writeChunk(evicted.scoreLines);
      // The judged points go out at once: the decision stage never waits for InfluxDB. The batch's offsets are
      // committed only once its lines are written too, but the next batch does not wait for that, unless InfluxDB
      // falls so far behind that its buffer would overflow: then the stream slows down instead of dropping points,
      // until the buffer is down to half the threshold (not empty: InfluxDB writes the rest while the next batch is
      // judged).
      // The lines go out with the writer's next full batch or its next interval (1 s), not in a request per batch:
      // at low rates a request per batch was a sixth of the service's CPU. (Publishing while the next batch is
      // judged, in a chain per partition, was measured: no gain, see docs/metrics-to-alerts.md.)
      await this.publish(out.judged, checkpoints);
      this.cardinality.observe(this.refusedSeries);
      context.commitAfter(this.writer.written());
      if (this.writer.stats().pending > INFLUX_BACKPRESSURE_POINTS)
        await this.writer.drainedTo(INFLUX_BACKPRESSURE_POINTS / 2);
      for (const checkpoint of checkpoints) this.checkpoints.set(checkpoint.series, checkpoint);
      this.store.evictedPublished(evicted.checkpoints);
      this.metrics.events.inc(events);
      this.metrics.notLearned.inc(out.notLearned);
      this.metrics.checkpoints.inc(checkpoints.length);
      let published = 0;
      for (const columns of out.judged.values()) published += columns.length;
      this.metrics.pointsPublished.inc(published);
      this.processor.release(out);
      this.metrics.batchSeconds.observe((performance.now() - started) / 1000);
      this.updateGauges();
    });
  }

  /** Decodes the batch's records (dead-lettering what cannot be) and feeds each event to its series' model. */
  private judge(batch: ConsumedBatch, context: BatchContext, nowMs: number, out: BaselineOutput): number {
    let events = 0;
    for (const record of batch.records) {
      if (record.value === null) {
        this.reject(context, record, 'schema_violation', 'the record has no value');
        continue;
      }
      const decoded = decodeMetricRecord(record.value, { nowMs, recordTimestampMs: Number(record.timestamp) });
      // string fields beside numbers on a line-protocol line: not measurements, but counted rather than ignored
      if (decoded.skippedStringFields !== undefined) this.metrics.stringFieldsSkipped.inc(decoded.skippedStringFields);
      let refusal = decoded.failure;
      for (const event of decoded.events) {
        const series = this.seriesKeys.of(event);
        // a series in memory was admitted when it came in (nearly every event): nothing to refuse
        let entry = this.store.held(batch.partition, series, nowMs);
        if (entry === undefined) {
          const refused = this.refusal(series, event);
          if (refused !== undefined) {
            refusal ??= refused;
            continue;
          }
          entry = this.store.entry(batch.partition, series, event, nowMs);
        }
        this.processor.process(entry, event, out);
        events++;
      }
      // one dead letter per record, with its first problem (a line-protocol record's other lines are processed)
      if (refusal !== undefined) this.reject(context, record, refusal.reason, refusal.message);
    }
    return events;
  }

  /** Why an event that decoded is not learned: a reserved metric name, or a series cap reached (counted). */
  private refusal(
    series: string,
    event: MetricEvent,
  ): { reason: 'metric_name_reserved' | 'cardinality_exceeded'; message: string } | undefined {
    if (event.metric.startsWith(SELF_METRIC_PREFIX))
      return {
        reason: 'metric_name_reserved',
        message: `metric ${JSON.stringify(event.metric)}: the prefix ${SELF_METRIC_PREFIX} is reserved for Tideline's own series`,
      };
    const refused: SeriesRefusal | undefined = this.store.admit(series, event);
    if (refused === undefined) return undefined;
    this.refusedSeries++;
    this.metrics.seriesRefused.inc({ cap: refused.cap });
    return {
      reason: 'cardinality_exceeded',
      message: `series ${series}: limits.${refused.cap} (${refused.limit}) reached on this instance`,
    };
  }

  /** Points InfluxDB refused, one record each (key: the line's series, value: the line), with InfluxDB's reason. */
  private async deadLetterPoints(points: readonly RejectedPoint[]): Promise<void> {
    await publishRejectedPoints(this.producer, this.config.baseline.topics.pointsDeadLetter, points);
    for (const point of points) this.metrics.influxPointsRejected.inc({ reason: point.reason });
  }

  private updateGauges(): void {
    const stats = this.store.stats();
    this.metrics.series.set(stats.series);
    this.metrics.seriesEvicted.set({ reason: 'idle' }, stats.evictedIdle);
    this.metrics.seriesEvicted.set({ reason: 'lru' }, stats.evictedLru);
    this.metrics.modelsRestored.set(stats.restored);
    this.metrics.checkpointTableEntries.set(this.checkpoints.size);
    const writer = this.writer.stats();
    this.metrics.influxDropped.set(writer.dropped + writer.rejected);
  }

  /**
   * Judged points, then checkpoints (so a checkpoint never gets ahead of the points it has learned), in produce calls
   * of at most {@link MAX_BYTES_PER_SEND} (a record batch must stay under the broker's `message.max.bytes`; a
   * checkpoint with its model is ~10 KB).
   */
  private async publish(
    judged: ReadonlyMap<ModelEntry, BaselineColumns>,
    checkpoints: readonly ModelCheckpoint[],
  ): Promise<void> {
    const { topics } = this.config.baseline;
    const partitions = this.baselinesPartitions;
    // one record per series (a long run in several): its points of this batch, in order; the records of the series
    // that share a partition of the baselines topic (the one their key gives, as for any other producer of the topic)
    // go out bundled, so the Kafka clients on both sides handle a few records per batch instead of one per series
    const byPartition = new Map<number, BaselineRecordSource[]>();
    for (const [entry, columns] of judged) {
      const partition = partitionOfKey(entry.series, partitions);
      entry.encodedNames ??= encodeSeriesNames(entry);
      let list = byPartition.get(partition);
      if (list === undefined) byPartition.set(partition, (list = []));
      for (const record of columns.records(entry.series, entry.encodedNames)) list.push(record);
    }
    const records: { topic: string; record: OutgoingRecord; size: number }[] = [];
    for (const [partition, sources] of byPartition)
      for (const { key, value } of packBaselineRecords(sources, LIMITS.maxEventBytes))
        records.push({ topic: topics.baselines, record: { key, value, partition }, size: value.byteLength });
    for (const c of checkpoints) {
      const value = JSON.stringify(c);
      records.push({ topic: topics.modelCheckpoints, record: { key: c.series, value }, size: value.length });
    }
    let chunk: typeof records = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const byTopic = new Map<string, OutgoingRecord[]>();
      for (const { topic, record } of chunk) {
        const list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, [record]);
        else list.push(record);
      }
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
