import type { MetricEvent, ModelCheckpoint } from '@tideline/contracts';
import { MEASUREMENTS } from '@tideline/contracts';
import { cloneState } from '../alert-lifecycle/alert-lifecycle.store';
import { initialLifecycleState, type AlertLifecycleState } from '../alert-lifecycle/alert-lifecycle.state';
import type { SeriesModel, SeriesModelFactory } from '../series-model/series-model';

/** Everything the scoring processor keeps about one series. */
export interface SeriesEntry {
  readonly series: string;
  readonly partition: number;
  readonly host: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `anomaly_scores,<tags> ` with the tags escaped once per series, so a point's line is one concatenation. */
  readonly scoreLinePrefix: string;
  readonly model: SeriesModel;
  readonly lifecycle: AlertLifecycleState;
  /** The lifecycle changed phase since it was last persisted. */
  dirty: boolean;
}

export interface SeriesStoreSources {
  /** The latest baseline checkpoint of a series (the compacted model-checkpoint topic). */
  readonly checkpoints: { get(series: string): ModelCheckpoint | undefined };
  /** The persisted alert lifecycle of a series (the compacted alert-state topic). */
  readonly lifecycles: { get(series: string): AlertLifecycleState | undefined };
}

export interface SeriesStoreStats {
  readonly series: number;
  readonly restoredModels: number;
  readonly newModels: number;
  readonly unreadableCheckpoints: number;
}

/**
 * The anomaly service's working state per series: its model and its alert lifecycle, grouped by the partition the
 * series arrives on. A series seen for the first time (or again after {@link dropPartition}) starts from the persisted
 * sources: the model from the baseline service's latest checkpoint (else a new model), the lifecycle from the
 * alert-state table (else `normal`).
 */
export class SeriesStore {
  private readonly entries = new Map<string, SeriesEntry>();
  private readonly byPartition = new Map<number, Set<string>>();
  private restoredModels = 0;
  private newModels = 0;
  private unreadableCheckpoints = 0;

  constructor(
    private readonly models: SeriesModelFactory,
    private readonly sources: SeriesStoreSources,
  ) {}

  entry(partition: number, series: string, event: MetricEvent): SeriesEntry {
    const found = this.entries.get(series);
    if (found !== undefined && found.partition === partition) return found;
    if (found !== undefined) this.remove(found);
    const persisted = this.sources.lifecycles.get(series);
    const model = this.loadModel(series);
    const entry: SeriesEntry = {
      series,
      partition,
      host: event.host,
      metric: event.metric,
      tags: event.tags,
      scoreLinePrefix: `${MEASUREMENTS.anomalyScores},detector=${escapeTag(model.detector)},${lineTags(series, event)} `,
      model,
      lifecycle: persisted === undefined ? initialLifecycleState(series) : cloneState(persisted),
      dirty: false,
    };
    this.entries.set(series, entry);
    let set = this.byPartition.get(partition);
    if (set === undefined) this.byPartition.set(partition, (set = new Set()));
    set.add(series);
    return entry;
  }

  /** Forgets the working state of a partition's series: they are reloaded from the persisted sources when next seen. */
  dropPartition(partition: number): void {
    const set = this.byPartition.get(partition);
    if (set === undefined) return;
    for (const series of set) this.entries.delete(series);
    this.byPartition.delete(partition);
  }

  /** Copies of the lifecycles changed since the last call (to persist), marking them clean. */
  takeDirty(entries: Iterable<SeriesEntry>): AlertLifecycleState[] {
    const out: AlertLifecycleState[] = [];
    for (const entry of entries) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      out.push(cloneState(entry.lifecycle));
    }
    return out;
  }

  get(series: string): SeriesEntry | undefined {
    return this.entries.get(series);
  }

  openIncidents(): number {
    let n = 0;
    for (const entry of this.entries.values())
      if (entry.lifecycle.phase === 'firing' || entry.lifecycle.phase === 'recovering') n++;
    return n;
  }

  stats(): SeriesStoreStats {
    return {
      series: this.entries.size,
      restoredModels: this.restoredModels,
      newModels: this.newModels,
      unreadableCheckpoints: this.unreadableCheckpoints,
    };
  }

  private remove(entry: SeriesEntry): void {
    this.entries.delete(entry.series);
    this.byPartition.get(entry.partition)?.delete(entry.series);
  }

  private loadModel(series: string): SeriesModel {
    const checkpoint = this.sources.checkpoints.get(series);
    if (checkpoint !== undefined && checkpoint.kind === this.models.kind) {
      try {
        const model = this.models.restore(Buffer.from(checkpoint.state, 'base64'));
        this.restoredModels++;
        return model;
      } catch {
        this.unreadableCheckpoints++;
      }
    }
    this.newModels++;
    return this.models.create();
  }
}

/** `series=…,host=…,metric=…` escaped for line protocol tag values (comma, equals sign and space). */
export function lineTags(series: string, event: Pick<MetricEvent, 'host' | 'metric'>): string {
  return `series=${escapeTag(series)},host=${escapeTag(event.host)},metric=${escapeTag(event.metric)}`;
}

/** Line-protocol escaping of a tag value: comma, equals sign and space (a backslash before anything else is literal). */
export function escapeTag(value: string): string {
  return value.replace(/[,= ]/g, (c) => `\\${c}`);
}
