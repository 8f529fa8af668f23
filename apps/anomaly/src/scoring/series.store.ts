import { MEASUREMENTS, type MetricEvent, type ModelCheckpoint } from '@tideline/contracts';
import {
  cloneLifecycle,
  initialLifecycleState,
  type AlertLifecycleState,
  type AnomalySeriesRecord,
} from '../alert-lifecycle/alert-lifecycle.state';
import type { SeriesModel, SeriesModelFactory } from '@tideline/stats';

/** A score waiting for its window to close; `windowEnd` is -Infinity when none waits. */
export interface PendingScore {
  windowEnd: number;
  ts: number;
  score: number;
  value: number;
  detector: string;
}

/** Everything the scoring processor keeps about one series. */
export interface SeriesEntry {
  readonly series: string;
  readonly partition: number;
  readonly host: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `anomaly_scores,<series tags>` escaped once per series; a point's line adds its detector tag and fields. */
  readonly scoreLinePrefix: string;
  readonly model: SeriesModel;
  readonly lifecycle: AlertLifecycleState;
  /** The highest-scoring point of the current score window (see `anomaly.scoreResolutionMs`), not yet written. */
  readonly pendingScore: PendingScore;
  /** The lifecycle changed status since it was last persisted (must be persisted before the commit). */
  lifecycleChanged: boolean;
  /** The model learned since it was last persisted. */
  modelChanged: boolean;
  /**
   * Processing time (epoch ms) the series was last persisted. A new entry counts as persisted at a random moment of
   * the last interval, so that series first seen together do not all come due for a model snapshot in one batch.
   */
  persistedAt: number;
}

export interface SeriesStoreSources {
  /** The anomaly service's own persisted state of a series (the compacted alert-state topic). */
  readonly own: { get(series: string): AnomalySeriesRecord | undefined };
  /** The baseline service's latest checkpoint of a series (the compacted model-checkpoint topic). */
  readonly baseline: { get(series: string): ModelCheckpoint | undefined };
}

export interface SeriesStoreStats {
  readonly series: number;
  /** Models started from the service's own persisted state. */
  readonly resumedModels: number;
  /** Models started from a baseline checkpoint (series this service had not persisted). */
  readonly restoredFromBaseline: number;
  readonly newModels: number;
  readonly unreadableSnapshots: number;
}

/**
 * The anomaly service's working state per series, its model and its alert lifecycle, grouped by the partition the
 * series arrives on. A series seen for the first time (or again after {@link dropPartition}) starts from what is
 * persisted: its own record (model and lifecycle from the same point of the stream), else the baseline service's
 * latest checkpoint for the model (a warm start instead of relearning), else a new model; the lifecycle, else `ok`.
 */
export class SeriesStore {
  private readonly entries = new Map<string, SeriesEntry>();
  private readonly byPartition = new Map<number, Set<string>>();
  private resumed = 0;
  private fromBaseline = 0;
  private created = 0;
  private unreadable = 0;

  constructor(
    private readonly models: SeriesModelFactory,
    private readonly sources: SeriesStoreSources,
    /** The least time between two model snapshots of a series (see {@link takeRecords}). */
    private readonly modelIntervalMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  entry(partition: number, series: string, event: MetricEvent, nowMs: number): SeriesEntry {
    const found = this.entries.get(series);
    if (found !== undefined && found.partition === partition) return found;
    if (found !== undefined) this.remove(found);
    const own = this.sources.own.get(series);
    const entry: SeriesEntry = {
      series,
      partition,
      host: event.host,
      metric: event.metric,
      tags: event.tags,
      scoreLinePrefix: `${MEASUREMENTS.anomalyScores},${lineTags(series, event)}`,
      model: this.loadModel(series, own),
      lifecycle: own === undefined ? initialLifecycleState(series) : cloneLifecycle(own.lifecycle),
      pendingScore: { windowEnd: Number.NEGATIVE_INFINITY, ts: 0, score: 0, value: 0, detector: 'none' },
      lifecycleChanged: false,
      modelChanged: false,
      persistedAt: nowMs - Math.floor(this.random() * this.modelIntervalMs),
    };
    this.entries.set(series, entry);
    let set = this.byPartition.get(partition);
    if (set === undefined) this.byPartition.set(partition, (set = new Set()));
    set.add(series);
    return entry;
  }

  /** Forgets the working state of a partition's series: they are reloaded from what is persisted when next seen. */
  dropPartition(partition: number): void {
    const set = this.byPartition.get(partition);
    if (set === undefined) return;
    for (const series of set) this.entries.delete(series);
    this.byPartition.delete(partition);
  }

  /**
   * The records to persist for these entries: each whose lifecycle changed, and each whose model learned and was last
   * persisted at least `modelIntervalMs` ago. Marks them persisted. When `modelOnly` is given, records whose lifecycle
   * did not change go there instead: they may be written in the background (a model snapshot that is lost in a crash
   * only means an older one is resumed), while the returned ones must be written before the offsets are committed.
   */
  takeRecords(
    entries: Iterable<SeriesEntry>,
    nowMs: number,
    modelIntervalMs = this.modelIntervalMs,
    modelOnly?: AnomalySeriesRecord[],
  ): AnomalySeriesRecord[] {
    const out: AnomalySeriesRecord[] = [];
    for (const entry of entries) {
      if (!entry.lifecycleChanged && !(entry.modelChanged && nowMs - entry.persistedAt >= modelIntervalMs)) continue;
      const target = entry.lifecycleChanged || modelOnly === undefined ? out : modelOnly;
      entry.lifecycleChanged = false;
      entry.modelChanged = false;
      entry.persistedAt = nowMs;
      target.push({
        lifecycle: cloneLifecycle(entry.lifecycle),
        model: {
          kind: this.models.kind,
          lastTs: Number.isFinite(entry.model.lastTs) ? entry.model.lastTs : 0,
          observations: entry.model.observations,
          state: Buffer.from(entry.model.snapshot()).toString('base64'),
        },
      });
    }
    return out;
  }

  all(): IterableIterator<SeriesEntry> {
    return this.entries.values();
  }

  get(series: string): SeriesEntry | undefined {
    return this.entries.get(series);
  }

  openIncidents(): number {
    let n = 0;
    for (const entry of this.entries.values()) {
      const status = entry.lifecycle.machine.status;
      if (status === 'firing' || status === 'clearing') n++;
    }
    return n;
  }

  stats(): SeriesStoreStats {
    return {
      series: this.entries.size,
      resumedModels: this.resumed,
      restoredFromBaseline: this.fromBaseline,
      newModels: this.created,
      unreadableSnapshots: this.unreadable,
    };
  }

  private remove(entry: SeriesEntry): void {
    this.entries.delete(entry.series);
    this.byPartition.get(entry.partition)?.delete(entry.series);
  }

  private loadModel(series: string, own: AnomalySeriesRecord | undefined): SeriesModel {
    const mine = own?.model;
    if (mine && mine.kind === this.models.kind) {
      const model = this.tryRestore(mine.state);
      if (model) {
        this.resumed++;
        return model;
      }
    }
    const checkpoint = this.sources.baseline.get(series);
    if (checkpoint !== undefined && checkpoint.kind === this.models.kind) {
      const model = this.tryRestore(checkpoint.state);
      if (model) {
        this.fromBaseline++;
        return model;
      }
    }
    this.created++;
    return this.models.create();
  }

  private tryRestore(base64: string): SeriesModel | undefined {
    try {
      return this.models.restore(Buffer.from(base64, 'base64'));
    } catch {
      this.unreadable++;
      return undefined;
    }
  }
}

/** `series=…,host=…,metric=…` escaped for line-protocol tag values. */
export function lineTags(series: string, event: Pick<MetricEvent, 'host' | 'metric'>): string {
  return `series=${escapeTag(series)},host=${escapeTag(event.host)},metric=${escapeTag(event.metric)}`;
}

/** Line-protocol escaping of a tag value: comma, equals sign and space (a backslash before anything else is literal). */
export function escapeTag(value: string): string {
  return value.replace(/[,= ]/g, (c) => `\\${c}`);
}
