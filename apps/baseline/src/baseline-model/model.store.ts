import { MEASUREMENTS, MODEL_CHECKPOINT_SCHEMA, type MetricEvent, type ModelCheckpoint } from '@tideline/contracts';
import type { SeriesModel, SeriesModelFactory } from '@tideline/stats';

/** One series' model and what the processor needs to write about it. */
export interface ModelEntry {
  readonly series: string;
  readonly partition: number;
  readonly model: SeriesModel;
  /** `points,<tags> ` escaped once per series (the event's own tags included). */
  readonly pointLinePrefix: string;
  /** `baseline,<tags> ` escaped once per series. */
  readonly baselineLinePrefix: string;
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
 * The baseline service's named store of series models, grouped by partition. A series seen for the first time (or
 * again after {@link dropPartition}) starts from its latest checkpoint in the compacted checkpoint topic, so a restart
 * or a partition moving here resumes instead of relearning; checkpoints of learned models are taken with
 * {@link takeCheckpoints}.
 */
export class ModelStore {
  private readonly entries = new Map<string, ModelEntry>();
  private readonly byPartition = new Map<number, Set<string>>();
  private restored = 0;
  private created = 0;
  private unreadable = 0;

  constructor(
    private readonly models: SeriesModelFactory,
    private readonly checkpoints: { get(series: string): ModelCheckpoint | undefined },
    /** Least time between two checkpoints of a series; 0 checkpoints every batch that learned. */
    private readonly intervalMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  entry(partition: number, series: string, event: MetricEvent, nowMs: number): ModelEntry {
    const found = this.entries.get(series);
    if (found !== undefined && found.partition === partition) return found;
    if (found !== undefined) this.remove(found);
    const tags = seriesTags(series, event);
    const entry: ModelEntry = {
      series,
      partition,
      model: this.load(series),
      pointLinePrefix: `${MEASUREMENTS.points},${tags}${userTags(event.tags)} `,
      baselineLinePrefix: `${MEASUREMENTS.baseline},${tags} `,
      dirty: false,
      checkpointedAt: nowMs - Math.floor(this.random() * this.intervalMs),
    };
    this.entries.set(series, entry);
    let set = this.byPartition.get(partition);
    if (set === undefined) this.byPartition.set(partition, (set = new Set()));
    set.add(series);
    return entry;
  }

  /** Forgets a partition's models; they are restored from their checkpoints when next seen. */
  dropPartition(partition: number): void {
    const set = this.byPartition.get(partition);
    if (set === undefined) return;
    for (const series of set) this.entries.delete(series);
    this.byPartition.delete(partition);
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
        kind: this.models.kind,
        lastTs: entry.model.lastTs,
        observations: entry.model.observations,
        state: Buffer.from(entry.model.snapshot()).toString('base64'),
      });
    }
    return out;
  }

  /** Every entry still holding learned points that are not checkpointed (for a final checkpoint on shutdown). */
  *dirtyEntries(): IterableIterator<ModelEntry> {
    for (const entry of this.entries.values()) if (entry.dirty) yield entry;
  }

  stats(): ModelStoreStats {
    return {
      series: this.entries.size,
      restored: this.restored,
      created: this.created,
      unreadableCheckpoints: this.unreadable,
    };
  }

  private remove(entry: ModelEntry): void {
    this.entries.delete(entry.series);
    this.byPartition.get(entry.partition)?.delete(entry.series);
  }

  private load(series: string): SeriesModel {
    const checkpoint = this.checkpoints.get(series);
    if (checkpoint !== undefined && checkpoint.kind === this.models.kind) {
      try {
        const model = this.models.restore(Buffer.from(checkpoint.state, 'base64'));
        this.restored++;
        return model;
      } catch {
        this.unreadable++;
      }
    }
    this.created++;
    return this.models.create();
  }
}

const RESERVED_TAGS = new Set(['series', 'host', 'metric']);

function seriesTags(series: string, event: Pick<MetricEvent, 'host' | 'metric'>): string {
  return `series=${escapeTag(series)},host=${escapeTag(event.host)},metric=${escapeTag(event.metric)}`;
}

/** The event's own tags for `points`, sorted; a tag named like one of ours (series, host, metric) is left out. */
function userTags(tags: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key of Object.keys(tags).sort()) {
    if (RESERVED_TAGS.has(key)) continue;
    const value = tags[key]!;
    if (value.length === 0) continue;
    out += `,${escapeTag(key)}=${escapeTag(value)}`;
  }
  return out;
}

/** Line-protocol escaping of a tag key or value: comma, equals sign and space. */
export function escapeTag(value: string): string {
  return value.replace(/[,= ]/g, (c) => `\\${c}`);
}
