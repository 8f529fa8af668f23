import { MEASUREMENTS, SELF_METRIC_PREFIX, escapeTagValue, type BaselinePoint } from '@tideline/contracts';
import { PartitionedStore } from '@tideline/kafka';
import type { AlertLifecyclePolicy } from '../alert-lifecycle/alert-lifecycle.policy';
import {
  cloneLifecycle,
  initialLifecycleState,
  type AlertLifecycleState,
} from '../alert-lifecycle/alert-lifecycle.state';

/** What the decision stage keeps about one series: its alert lifecycle and the policy that drives it. */
export interface LifecycleEntry {
  readonly series: string;
  readonly lifecycle: AlertLifecycleState;
  readonly policy: AlertLifecyclePolicy;
  /** `alerts,series=…,host=…,metric=…` escaped once per series; a line adds state, severity and detector. */
  readonly alertLinePrefix: string;
  /**
   * Persist the lifecycle with every point that moves its latest time, not only on a status change: Tideline's own
   * series (`tideline.*`, one point every 5 s at most), whose persisted latest time tells every instance when the
   * series went silent (see `silenceResolution`).
   */
  readonly persistsEveryPoint: boolean;
  /** The lifecycle changed status since it was last persisted (must be persisted before the commit). */
  changed: boolean;
}

/**
 * The anomaly service's store of alert lifecycles, per partition (libs/kafka's {@link PartitionedStore}: `partitions`
 * is what the pipeline begins, completes and abandons batches on). A series seen for the first time (or again after
 * its partition was dropped) starts from its persisted lifecycle in the compacted alert-state topic, else `ok`.
 */
export class SeriesLifecycleStore {
  readonly partitions: PartitionedStore<LifecycleEntry>;
  /** Lifecycles evicted with a change not yet published (see the constructor). */
  private readonly unpublished = new Map<string, { readonly partition: number; readonly state: AlertLifecycleState }>();

  constructor(
    private readonly persisted: { get(series: string): AlertLifecycleState | undefined },
    private readonly policyFor: (point: BaselinePoint) => AlertLifecyclePolicy,
    /** `limits.maxSeriesInMemory` and `limits.idleEvictionMs` (libs/config); default: no limit. */
    limits: { readonly maxSeriesInMemory?: number; readonly idleEvictionMs?: number } = {},
  ) {
    this.partitions = new PartitionedStore<LifecycleEntry>({
      ...(limits.maxSeriesInMemory !== undefined ? { maxEntries: limits.maxSeriesInMemory } : {}),
      idleMs: limits.idleEvictionMs ?? 0,
      // Between batches every lifecycle is persisted (changes are published before a batch completes), so a series
      // leaving memory then reloads exactly. One leaving while its batch has changed it but not yet published the
      // change (the least-recently-used bound) is kept aside until it is, so that a reload meanwhile starts from it;
      // the entry itself is still in its batch's output and is published with it.
      onEvict: (entry, _key, _reason, partition) => {
        if (entry.changed) this.unpublished.set(entry.series, { partition, state: cloneLifecycle(entry.lifecycle) });
      },
      onDropPartition: (partition) => {
        for (const [series, aside] of this.unpublished)
          if (aside.partition === partition) this.unpublished.delete(series);
      },
    });
  }

  /** Lifecycles not used for `limits.idleEvictionMs` leave memory (they reload from the alert-state topic). */
  evictIdle(nowMs: number): number {
    return this.partitions.evictIdle(nowMs);
  }

  entry(partition: number, point: BaselinePoint, nowMs = 0): LifecycleEntry {
    return this.partitions.entry(
      partition,
      point.series,
      () => {
        const own = this.unpublished.get(point.series)?.state ?? this.persisted.get(point.series);
        return {
          series: point.series,
          lifecycle: own === undefined ? initialLifecycleState(point.series) : cloneLifecycle(own),
          policy: this.policyFor(point),
          alertLinePrefix: `${MEASUREMENTS.alerts},${seriesLineTags(point)}`,
          persistsEveryPoint: point.metric.startsWith(SELF_METRIC_PREFIX),
          changed: false,
        };
      },
      nowMs,
    );
  }

  /** The lifecycles of these entries that changed since they were persisted; marks them persisted. */
  takeChanged(entries: Iterable<LifecycleEntry>): AlertLifecycleState[] {
    const out: AlertLifecycleState[] = [];
    for (const entry of entries) {
      if (!entry.changed) continue;
      entry.changed = false;
      out.push(cloneLifecycle(entry.lifecycle));
    }
    return out;
  }

  /** These states are published (and in the table): nothing of them is kept aside any more. */
  published(states: readonly AlertLifecycleState[]): void {
    for (const state of states) this.unpublished.delete(state.series);
  }

  get size(): number {
    return this.partitions.size;
  }

  openIncidents(): number {
    let n = 0;
    for (const entry of this.partitions.values()) {
      const status = entry.lifecycle.machine.status;
      if (status === 'firing' || status === 'clearing') n++;
    }
    return n;
  }
}

/** `series=…,host=…,metric=…` escaped for line-protocol tag values. */
function seriesLineTags(point: Pick<BaselinePoint, 'series' | 'host' | 'metric'>): string {
  return `series=${escapeTagValue(point.series)},host=${escapeTagValue(point.host)},metric=${escapeTagValue(point.metric)}`;
}
