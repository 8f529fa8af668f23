import { BASELINE_UPDATE_SCHEMA, type BaselineUpdate, type MetricEvent } from '@tideline/contracts';
import { emptyAssessment } from '@tideline/stats';
import type { ModelEntry } from './model.store';

/** What learning a batch produced. */
export interface BaselineOutput {
  /** InfluxDB lines: every raw point, and the band of every point scored by a warmed-up model. */
  readonly lines: string[];
  /** The latest band per series in the batch, for the baselines topic. */
  readonly updates: Map<string, BaselineUpdate>;
  /** Entries that learned in this batch (to checkpoint). */
  readonly learned: Set<ModelEntry>;
}

export function emptyBaselineOutput(): BaselineOutput {
  return { lines: [], updates: new Map(), learned: new Set() };
}

/**
 * Feeds one event to its series' model and appends the raw point, the band the point was judged against, and the
 * series' latest band to `out`. Pure apart from the entry's model (its state store): no I/O, no clock.
 */
export class BaselineProcessor {
  private readonly assessment = emptyAssessment();

  process(entry: ModelEntry, event: MetricEvent, out: BaselineOutput): void {
    const a = this.assessment;
    entry.model.assess(event.ts, event.value, a);
    out.lines.push(`${entry.pointLinePrefix}value=${event.value} ${event.ts}`);
    if (a.ready)
      out.lines.push(`${entry.baselineLinePrefix}expected=${a.expected},lower=${a.lower},upper=${a.upper} ${event.ts}`);
    if (a.learned) {
      entry.dirty = true;
      out.learned.add(entry);
    }
    out.updates.set(entry.series, {
      schema: BASELINE_UPDATE_SCHEMA,
      series: entry.series,
      ts: event.ts,
      expected: a.expected,
      lower: a.lower,
      upper: a.upper,
      observations: entry.model.observations,
    });
  }
}
