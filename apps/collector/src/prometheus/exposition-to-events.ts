import { METRIC_EVENT_SCHEMA, type MetricEvent } from '@tideline/contracts';
import { explicitHistogramQuantile, HISTOGRAM_QUANTILES } from '@tideline/sdk/quantiles';
import { counterRate } from '../collection/counter-rate';
import type { MetricFamily } from './exposition.parser';

/** What every event of one scrape target carries, and what of the exposition it keeps. */
export interface ScrapeContext {
  readonly host: string;
  /** Configured tags; a sample's own labels win on a clash. */
  readonly tags: Readonly<Record<string, string>>;
  /** Filter over family names (allow/deny globs). */
  readonly acceptsFamily: (name: string) => boolean;
  /** Filter over label names: false drops the label (series that differ only in it are summed). */
  readonly keepsLabel: (label: string) => boolean;
}

/** One scrape, reduced to what the next one needs: every cumulative value by sample key. */
export interface ScrapeSnapshot {
  readonly monotonicMs: number;
  readonly cumulative: ReadonlyMap<string, number>;
}

/**
 * Turns one scrape of a Prometheus exposition (and the previous one, for rates) into metric events stamped `ts`:
 *
 * | Prometheus type      | events                                                                                  |
 * | -------------------- | --------------------------------------------------------------------------------------- |
 * | gauge, untyped       | `<name>`: the value as is                                                               |
 * | counter              | `<name>.rate`: increase per second since the previous scrape (unit `1/s`)               |
 * | histogram            | `<name>.rate` (observations/s), `.mean` (Δsum/Δcount), `.p50`/`.p95`/`.p99` of the      |
 * |                      | interval's observations, interpolated in the buckets like `histogram_quantile`          |
 * | summary              | `<name>.p50` etc. from its `quantile` samples as is (0.999 → `p99.9`), `.rate`, `.mean` |
 *
 * Rates and interval statistics need two scrapes, so they first appear on the second; a counter that went backwards
 * (a restart of the target) skips one interval. Labels become tags; dropped labels are summed over first (Prometheus'
 * `sum without(...)`). Non-finite values (a summary's NaN quantile without observations) are left out. Pure.
 */
export function expositionToEvents(
  previous: ScrapeSnapshot | undefined,
  families: readonly MetricFamily[],
  now: { readonly ts: number; readonly monotonicMs: number },
  context: ScrapeContext,
): { events: MetricEvent[]; snapshot: ScrapeSnapshot } {
  const events: MetricEvent[] = [];
  const cumulative = new Map<string, number>();
  const seconds = previous ? (now.monotonicMs - previous.monotonicMs) / 1000 : 0;
  const emit = (metric: string, labels: Readonly<Record<string, string>>, value: number | undefined, unit?: string) => {
    if (value === undefined || !Number.isFinite(value)) return;
    events.push({
      schema: METRIC_EVENT_SCHEMA,
      metric,
      host: context.host,
      value,
      ts: now.ts,
      tags: { ...context.tags, ...labels },
      ...(unit ? { unit } : {}),
      source: 'collector',
    });
  };
  /** The increase per second of a cumulative value since the previous scrape (recorded for the next one). */
  const rate = (key: string, value: number): number | undefined => {
    cumulative.set(key, value);
    return counterRate(previous?.cumulative.get(key), value, seconds);
  };

  for (const family of families) {
    if (!context.acceptsFamily(family.name)) continue;
    const groups = groupByLabels(family, context.keepsLabel);
    for (const group of groups.values()) {
      const { labels, values } = group;
      const key = (stat: string) => `${family.name}${stat}|${group.id}`;
      switch (family.type) {
        case 'gauge':
        case 'untyped':
          emit(family.name, labels, values.get('value'));
          break;
        case 'counter': {
          const value = values.get('value');
          if (value !== undefined) emit(`${family.name}.rate`, labels, rate(key(''), value), '1/s');
          break;
        }
        case 'histogram':
        case 'summary': {
          const count = values.get('count');
          const sum = values.get('sum');
          if (count === undefined) break;
          const before = previous?.cumulative.get(key('_count'));
          const countRate = rate(key('_count'), count);
          emit(`${family.name}.rate`, labels, countRate, '1/s');
          const observed = countRate === undefined || before === undefined ? 0 : count - before;
          if (sum !== undefined) {
            const sumBefore = previous?.cumulative.get(key('_sum'));
            cumulative.set(key('_sum'), sum);
            if (observed > 0 && sumBefore !== undefined)
              emit(`${family.name}.mean`, labels, (sum - sumBefore) / observed);
          }
          if (family.type === 'summary') {
            for (const [q, value] of group.quantiles) emit(`${family.name}.${quantileSuffix(q)}`, labels, value);
          } else {
            emitHistogramQuantiles(family.name, labels, group.buckets, observed, key, previous, cumulative, emit);
          }
          break;
        }
      }
    }
  }
  return { events, snapshot: { monotonicMs: now.monotonicMs, cumulative } };
}

interface SampleGroup {
  /** The kept labels, serialised: one series. */
  readonly id: string;
  readonly labels: Record<string, string>;
  /** Summed per statistic: `value`, `sum`, `count`. */
  readonly values: Map<string, number>;
  /** Histogram buckets: upper bound → cumulative count (summed). */
  readonly buckets: Map<number, number>;
  /** Summary quantiles: q → value (summed when labels were dropped). */
  readonly quantiles: Map<number, number>;
}

/** Groups a family's samples by their kept labels (less `le` and `quantile`), summing what falls together. */
function groupByLabels(family: MetricFamily, keepsLabel: (label: string) => boolean): Map<string, SampleGroup> {
  const groups = new Map<string, SampleGroup>();
  const add = (map: Map<number | string, number>, key: number | string, value: number) =>
    map.set(key, (map.get(key) ?? 0) + value);
  for (const sample of family.samples) {
    const labels: Record<string, string> = {};
    for (const name of Object.keys(sample.labels).sort()) {
      if (name === 'le' || name === 'quantile' || !keepsLabel(name)) continue;
      labels[name] = sample.labels[name]!;
    }
    const id = Object.entries(labels)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(',');
    let group = groups.get(id);
    if (!group) {
      group = { id, labels, values: new Map(), buckets: new Map(), quantiles: new Map() };
      groups.set(id, group);
    }
    const suffix = sample.name.slice(family.name.length);
    if (suffix === '_bucket' && sample.labels['le'] !== undefined) {
      add(group.buckets as Map<number | string, number>, parseBound(sample.labels['le']), sample.value);
    } else if (suffix === '_sum') add(group.values, 'sum', sample.value);
    else if (suffix === '_count') add(group.values, 'count', sample.value);
    else if (family.type === 'summary' && sample.labels['quantile'] !== undefined) {
      add(group.quantiles as Map<number | string, number>, Number(sample.labels['quantile']), sample.value);
    } else add(group.values, 'value', sample.value);
  }
  return groups;
}

function emitHistogramQuantiles(
  name: string,
  labels: Readonly<Record<string, string>>,
  buckets: ReadonlyMap<number, number>,
  observed: number,
  key: (stat: string) => string,
  previous: ScrapeSnapshot | undefined,
  cumulative: Map<string, number>,
  emit: (metric: string, labels: Readonly<Record<string, string>>, value: number | undefined) => void,
): void {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  // per-bucket counts of this interval: the difference of the cumulative `le` counts, then of neighbouring bounds
  const counts: number[] = [];
  let below = 0;
  let valid = observed > 0;
  for (const bound of bounds) {
    const bucketKey = key(`_bucket|le=${bound}`);
    const value = buckets.get(bound)!;
    cumulative.set(bucketKey, value);
    const before = previous?.cumulative.get(bucketKey);
    if (before === undefined || value < before) valid = false;
    const inInterval = value - (before ?? 0);
    counts.push(Math.max(0, inInterval - below));
    below = Math.max(below, inInterval);
  }
  if (!valid) return;
  const finite = bounds.filter((bound) => Number.isFinite(bound));
  if (counts.length === finite.length) counts.push(0); // no +Inf bucket: an empty open last bucket
  const histogram = { count: below, buckets: { boundaries: finite, counts } };
  for (const [suffix, q] of HISTOGRAM_QUANTILES) {
    emit(`${name}.${suffix}`, labels, explicitHistogramQuantile(histogram, q));
  }
}

function parseBound(le: string): number {
  return le === '+Inf' || le === 'Inf' ? Infinity : Number(le);
}

/** 0.5 → `p50`, 0.99 → `p99`, 0.999 → `p99.9`. */
export function quantileSuffix(q: number): string {
  return `p${Number((q * 100).toFixed(6))}`;
}
