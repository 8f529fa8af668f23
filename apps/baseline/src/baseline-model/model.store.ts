import {
  MEASUREMENTS,
  MODEL_CHECKPOINT_SCHEMA,
  escapeTagKey,
  escapeTagValue,
  type EncodedSeriesNames,
  type MetricEvent,
  type ModelCheckpoint,
} from '@tideline/contracts';
import { LineBytes, type LineChunk } from '@tideline/influx';
import { PartitionedStore } from '@tideline/kafka';
import { TrendBucket, type SeriesModel, type SeriesModelFactory } from '@tideline/stats';
import { takePendingScore } from './baseline.processor';

/** Most idle models one batch evicts (about 20 MB of checkpoints at most). */
export const IDLE_EVICTIONS_PER_BATCH = 2000;

/** A score waiting for its window to close (see `baseline.scoreResolutionMs`); `windowEnd` is -Infinity when none. */
export interface PendingScore {
  windowEnd: number;
  ts: number;
  score: number;
  value: number;
  detector: string;
}

/** One series' model and what the processor needs to write about it. */
export interface ModelEntry {
  readonly series: string;
  readonly host: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly model: SeriesModel;
  /** The model family (checkpoints of another kind are not restored). */
  readonly modelKind: string;
  /** `points,<tags> value=` escaped and encoded once per series (the event's own tags included). */
  readonly pointLinePrefix: Uint8Array;
  /** `baseline,<tags> expected=` escaped and encoded once per series. */
  readonly baselineLinePrefix: Uint8Array;
  /** `anomaly_scores,<tags>,detector=` escaped and encoded once per series; a line adds the detector and fields. */
  readonly scoreLinePrefix: Uint8Array;
  /**
   * The open half hour of the series' trend summary, for a series the reporter projects to a limit (undefined for
   * the others); each closed one is written to `trend_buckets`.
   */
  readonly trend: TrendBucket | undefined;
  /** `trend_buckets,<tags> mean=` escaped and encoded once per series (empty without a trend). */
  readonly trendLinePrefix: Uint8Array;
  /** The highest-scoring point of the current score window, not yet written. */
  readonly pendingScore: PendingScore;
  /** The series' names as its judged-point records carry them, encoded at its first publication. */
  encodedNames: EncodedSeriesNames | undefined;
  /** Learned since its last checkpoint. */
  dirty: boolean;
  /**
   * Processing time (epoch ms) of its last checkpoint. A new entry counts as checkpointed at a random moment of the
   * last interval, so that series first seen together do not all come due in one batch.
   */
  checkpointedAt: number;
}

export interface ModelStoreStats {
  readonly series: number;
  readonly restored: number;
  readonly created: number;
  readonly unreadableCheckpoints: number;
  /** Models that left memory idle (`limits.idleEvictionMs`) or least recently used (`limits.maxSeriesInMemory`). */
  readonly evictedIdle: number;
  readonly evictedLru: number;
  /** Events of new series refused by a cap (`limits.maxActiveSeries`, `limits.maxSeriesPerHost`). */
  readonly refused: number;
}

/** The caps of `limits` (libs/config) that the model store enforces; every key optional (no limit). */
export interface ModelStoreLimits {
  readonly maxActiveSeries?: number;
  readonly maxSeriesPerHost?: number;
  readonly maxSeriesInMemory?: number;
  readonly idleEvictionMs?: number;
}

/** Why a new series was refused: the cap that is reached. */
export type SeriesRefusal = { readonly cap: 'maxActiveSeries' | 'maxSeriesPerHost'; readonly limit: number };

/**
 * The baseline service's store of series models, per partition (libs/kafka's {@link PartitionedStore}: `partitions`
 * is what the pipeline begins, completes and abandons batches on). A series seen for the first time (or again after
 * its partition was dropped) starts from its latest checkpoint in the compacted checkpoint topic, so a restart or a
 * partition moving here resumes instead of relearning; checkpoints of learned models are taken with
 * {@link takeCheckpoints}.
 */
export class ModelStore {
  readonly partitions: PartitionedStore<ModelEntry>;
  private restored = 0;
  private created = 0;
  private unreadable = 0;
  private refused = 0;
  /** Series in memory per host, for `maxSeriesPerHost`. */
  private readonly perHost = new Map<string, number>();
  /**
   * Checkpoints of evicted models that learned since their last one, not yet published: a series that comes back
   * restores from here first. Published with the next batch ({@link takeEvicted}), then moved to the table
   * ({@link evictedPublished}); dropped with their partition (a failed batch, a rebalance), which then reloads from
   * what is persisted and relearns from the committed offsets.
   */
  private readonly limbo = new Map<string, { readonly partition: number; readonly checkpoint: ModelCheckpoint }>();
  /** Score lines still pending on evicted models: written with the next batch's lines. */
  private readonly evictedScoreLines = new LineBytes(1024);
  private readonly maxActiveSeries: number;
  private readonly maxSeriesPerHost: number;

  constructor(
    /** The model kind of a series: its band is drawn at the confidence of the series' alert policy. */
    private readonly modelsFor: (event: MetricEvent) => SeriesModelFactory,
    /** The compacted checkpoint table: read when a series (re)enters memory; set once an eviction's is published. */
    private readonly checkpoints: {
      get(series: string): ModelCheckpoint | undefined;
      /** Without decoding the checkpoint (the table keeps them on disk). */
      has(series: string): boolean;
      set?(series: string, checkpoint: ModelCheckpoint): void;
    },
    /** Least time between two checkpoints of a series; 0 checkpoints every batch that learned. */
    private readonly intervalMs: number,
    private readonly random: () => number = Math.random,
    limits: ModelStoreLimits = {},
    /** Whether a series keeps a trend summary (its metric has a limit the reporter projects to). */
    private readonly keepsTrend: (event: MetricEvent) => boolean = () => false,
  ) {
    this.maxActiveSeries = limits.maxActiveSeries ?? Number.POSITIVE_INFINITY;
    this.maxSeriesPerHost = limits.maxSeriesPerHost ?? Number.POSITIVE_INFINITY;
    this.partitions = new PartitionedStore<ModelEntry>({
      ...(limits.maxSeriesInMemory !== undefined ? { maxEntries: limits.maxSeriesInMemory } : {}),
      idleMs: limits.idleEvictionMs ?? 0,
      onEvict: (entry, _key, _reason, partition) => this.leave(entry, partition),
      onRemove: (entry) => this.countHost(entry.host, -1),
      onDropPartition: (partition) => {
        for (const [series, { partition: p }] of this.limbo) if (p === partition) this.limbo.delete(series);
      },
    });
  }

  /** The series' entry when it is in memory on this partition (marked used at `nowMs`), else undefined. */
  held(partition: number, series: string, nowMs: number): ModelEntry | undefined {
    return this.partitions.use(partition, series, nowMs);
  }

  entry(partition: number, series: string, event: MetricEvent, nowMs: number): ModelEntry {
    // a series in memory (nearly every event): no closure to make
    const found = this.partitions.use(partition, series, nowMs);
    if (found !== undefined) return found;
    return this.partitions.entry(
      partition,
      series,
      () => {
        const entry = this.create(series, event, nowMs);
        this.countHost(entry.host, 1);
        return entry;
      },
      nowMs,
    );
  }

  /**
   * Whether the event's series may be held: yes when it is in memory or has a checkpoint (a series the system knows,
   * which the least-recently-used bound makes room for); a new series only while this instance holds fewer than
   * `maxActiveSeries` series and its host fewer than `maxSeriesPerHost`. Returns the cap that refuses it, counted.
   */
  admit(series: string, event: Pick<MetricEvent, 'host'>): SeriesRefusal | undefined {
    if (this.partitions.has(series) || this.limbo.has(series) || this.checkpoints.has(series)) return undefined;
    let refusal: SeriesRefusal | undefined;
    if (this.partitions.size >= this.maxActiveSeries) refusal = { cap: 'maxActiveSeries', limit: this.maxActiveSeries };
    else if ((this.perHost.get(event.host) ?? 0) >= this.maxSeriesPerHost)
      refusal = { cap: 'maxSeriesPerHost', limit: this.maxSeriesPerHost };
    if (refusal !== undefined) this.refused++;
    return refusal;
  }

  /**
   * Evicts the models idle for `limits.idleEvictionMs` (their state is kept as with {@link takeEvicted}), at most
   * {@link IDLE_EVICTIONS_PER_BATCH} per call: each may need a checkpoint (~10 KB) published with the batch, and a
   * whole burst going idle at once must not make one batch outlast the consumer's session.
   */
  evictIdle(nowMs: number): number {
    return this.partitions.evictIdle(nowMs, IDLE_EVICTIONS_PER_BATCH);
  }

  /**
   * What evicted models left to persist: checkpoints of those that learned since their last one (every one not yet
   * published, until {@link evictedPublished}) and the pending score lines left since the last call. The caller
   * publishes and writes them with its batch, before it commits.
   */
  takeEvicted(): { checkpoints: ModelCheckpoint[]; scoreLines: LineChunk } {
    return {
      checkpoints: [...this.limbo.values()].map((l) => l.checkpoint),
      scoreLines: this.evictedScoreLines.take(),
    };
  }

  /** These checkpoints of {@link takeEvicted} are published: they move to the table. */
  evictedPublished(checkpoints: readonly ModelCheckpoint[]): void {
    for (const checkpoint of checkpoints) {
      if (this.limbo.get(checkpoint.series)?.checkpoint !== checkpoint) continue;
      this.limbo.delete(checkpoint.series);
      this.checkpoints.set?.(checkpoint.series, checkpoint);
    }
  }

  private leave(entry: ModelEntry, partition: number): void {
    takePendingScore(entry, this.evictedScoreLines);
    if (!entry.dirty) return;
    entry.dirty = false;
    this.limbo.set(entry.series, { partition, checkpoint: checkpointOf(entry) });
  }

  private countHost(host: string, delta: number): void {
    const n = (this.perHost.get(host) ?? 0) + delta;
    if (n <= 0) this.perHost.delete(host);
    else this.perHost.set(host, n);
  }

  private create(series: string, event: MetricEvent, nowMs: number): ModelEntry {
    const tags = seriesTags(series, event);
    const models = this.modelsFor(event);
    // back before its eviction checkpoint was published: that checkpoint is now this entry's to take (dirty)
    const checkpoint = this.limbo.get(series)?.checkpoint ?? this.checkpoints.get(series);
    const model = this.load(checkpoint, models);
    const trend = this.keepsTrend(event) ? this.loadTrend(checkpoint) : undefined;
    const unpublished = this.limbo.delete(series);
    return {
      series,
      host: event.host,
      metric: event.metric,
      tags: event.tags,
      model,
      modelKind: models.kind,
      pointLinePrefix: LineBytes.encode(`${MEASUREMENTS.points},${tags}${userTags(event.tags)} value=`),
      baselineLinePrefix: LineBytes.encode(`${MEASUREMENTS.baseline},${tags} expected=`),
      scoreLinePrefix: LineBytes.encode(`${MEASUREMENTS.anomalyScores},${tags},detector=`),
      trend,
      trendLinePrefix: LineBytes.encode(trend === undefined ? '' : `${MEASUREMENTS.trendBuckets},${tags} mean=`),
      pendingScore: { windowEnd: Number.NEGATIVE_INFINITY, ts: 0, score: 0, value: 0, detector: 'none' },
      encodedNames: undefined,
      dirty: unpublished,
      checkpointedAt: nowMs - Math.floor(this.random() * this.intervalMs),
    };
  }

  /**
   * Checkpoints of the entries that learned since their last one and whose last one is at least `minIntervalMs` old
   * (0: all that learned), marking them clean.
   */
  takeCheckpoints(entries: Iterable<ModelEntry>, nowMs: number, minIntervalMs = this.intervalMs): ModelCheckpoint[] {
    const out: ModelCheckpoint[] = [];
    for (const entry of entries) {
      if (!entry.dirty || nowMs - entry.checkpointedAt < minIntervalMs) continue;
      entry.dirty = false;
      entry.checkpointedAt = nowMs;
      out.push(checkpointOf(entry));
    }
    return out;
  }

  stats(): ModelStoreStats {
    return {
      series: this.partitions.size,
      restored: this.restored,
      created: this.created,
      unreadableCheckpoints: this.unreadable,
      evictedIdle: this.partitions.stats().evictedIdle,
      evictedLru: this.partitions.stats().evictedLru,
      refused: this.refused,
    };
  }

  get(series: string): ModelEntry | undefined {
    return this.partitions.get(series);
  }

  /** Every entry (for the pending scores on shutdown). */
  all(): IterableIterator<ModelEntry> {
    return this.partitions.values();
  }

  private load(checkpoint: ModelCheckpoint | undefined, models: SeriesModelFactory): SeriesModel {
    if (checkpoint !== undefined && checkpoint.kind === models.kind) {
      try {
        const model = models.restore(Buffer.from(checkpoint.state, 'base64'));
        this.restored++;
        return model;
      } catch {
        this.unreadable++;
      }
    }
    this.created++;
    return models.create();
  }

  /** The checkpoint's open trend bucket (a series that had none, or an unreadable one, starts a new bucket). */
  private loadTrend(checkpoint: ModelCheckpoint | undefined): TrendBucket {
    if (checkpoint?.trend !== undefined) {
      try {
        return TrendBucket.restore(Buffer.from(checkpoint.trend, 'base64'));
      } catch {
        this.unreadable++;
      }
    }
    return new TrendBucket();
  }
}

function checkpointOf(entry: ModelEntry): ModelCheckpoint {
  return {
    schema: MODEL_CHECKPOINT_SCHEMA,
    series: entry.series,
    kind: entry.modelKind,
    lastTs: entry.model.lastTs,
    observations: entry.model.observations,
    state: Buffer.from(entry.model.snapshot()).toString('base64'),
    ...(entry.trend !== undefined ? { trend: Buffer.from(entry.trend.snapshot()).toString('base64') } : {}),
  };
}

const RESERVED_TAGS = new Set(['series', 'host', 'metric']);

/** `series=…,host=…,metric=…`; every name of a decoded event is writable (libs/contracts dead-letters the others). */
function seriesTags(series: string, event: Pick<MetricEvent, 'host' | 'metric'>): string {
  return `series=${escapeTagValue(series)},host=${escapeTagValue(event.host)},metric=${escapeTagValue(event.metric)}`;
}

/** The event's own tags for `points`, sorted; a tag named like one of ours (series, host, metric) is left out. */
function userTags(tags: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key of Object.keys(tags).sort()) {
    if (RESERVED_TAGS.has(key)) continue;
    const value = tags[key]!;
    if (value.length === 0) continue;
    out += `,${escapeTagKey(key)}=${escapeTagValue(value)}`;
  }
  return out;
}
