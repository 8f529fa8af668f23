import {
  MEASUREMENTS,
  MODEL_CHECKPOINT_SCHEMA,
  escapeTagKey,
  escapeTagValue,
  type MetricEvent,
  type ModelCheckpoint,
} from '@tideline/contracts';
import { PartitionedStore } from '@tideline/kafka';
import type { SeriesModel, SeriesModelFactory } from '@tideline/stats';

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
  /** `points,<tags> ` escaped once per series (the event's own tags included). */
  readonly pointLinePrefix: string;
  /** `baseline,<tags> ` escaped once per series. */
  readonly baselineLinePrefix: string;
  /** `anomaly_scores,<tags>` escaped once per series; a line adds its detector tag and fields. */
  readonly scoreLinePrefix: string;
  /** The highest-scoring point of the current score window, not yet written. */
  readonly pendingScore: PendingScore;
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
}

/**
 * The baseline service's store of series models, per partition (libs/kafka's {@link PartitionedStore}: `partitions`
 * is what the pipeline begins, completes and abandons batches on). A series seen for the first time (or again after
 * its partition was dropped) starts from its latest checkpoint in the compacted checkpoint topic, so a restart or a
 * partition moving here resumes instead of relearning; checkpoints of learned models are taken with
 * {@link takeCheckpoints}.
 */
export class ModelStore {
  readonly partitions = new PartitionedStore<ModelEntry>();
  private restored = 0;
  private created = 0;
  private unreadable = 0;

  constructor(
    /** The model kind of a series: its band is drawn at the confidence of the series' alert policy. */
    private readonly modelsFor: (event: MetricEvent) => SeriesModelFactory,
    private readonly checkpoints: { get(series: string): ModelCheckpoint | undefined },
    /** Least time between two checkpoints of a series; 0 checkpoints every batch that learned. */
    private readonly intervalMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  entry(partition: number, series: string, event: MetricEvent, nowMs: number): ModelEntry {
    return this.partitions.entry(partition, series, () => this.create(series, event, nowMs));
  }

  private create(series: string, event: MetricEvent, nowMs: number): ModelEntry {
    const tags = seriesTags(series, event);
    const models = this.modelsFor(event);
    return {
      series,
      host: event.host,
      metric: event.metric,
      tags: event.tags,
      model: this.load(series, models),
      modelKind: models.kind,
      pointLinePrefix: `${MEASUREMENTS.points},${tags}${userTags(event.tags)} `,
      baselineLinePrefix: `${MEASUREMENTS.baseline},${tags} `,
      scoreLinePrefix: `${MEASUREMENTS.anomalyScores},${tags}`,
      pendingScore: { windowEnd: Number.NEGATIVE_INFINITY, ts: 0, score: 0, value: 0, detector: 'none' },
      dirty: false,
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
      out.push({
        schema: MODEL_CHECKPOINT_SCHEMA,
        series: entry.series,
        kind: entry.modelKind,
        lastTs: entry.model.lastTs,
        observations: entry.model.observations,
        state: Buffer.from(entry.model.snapshot()).toString('base64'),
      });
    }
    return out;
  }

  stats(): ModelStoreStats {
    return {
      series: this.partitions.size,
      restored: this.restored,
      created: this.created,
      unreadableCheckpoints: this.unreadable,
    };
  }

  get(series: string): ModelEntry | undefined {
    return this.partitions.get(series);
  }

  /** Every entry (for the pending scores on shutdown). */
  all(): IterableIterator<ModelEntry> {
    return this.partitions.values();
  }

  private load(series: string, models: SeriesModelFactory): SeriesModel {
    const checkpoint = this.checkpoints.get(series);
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
